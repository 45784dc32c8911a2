/**
 * Closed years leave memory, so Redis holds only the years still open: `npm run archive -- --year 2018 --out <dir>`.
 *
 * A benefit year is closed once every policy of that year is past its claim
 * deadline (policy files, `claimDeadline`). Its settlements, their reversals,
 * its day-ledger entries and (for the record) each person's accumulators are
 * written to gzip NDJSON files with a manifest (counts and sums per hospital
 * and per hospital-day, each file's SHA-256); the files are read back and
 * checked against Redis; only then is the directory published (renamed) and
 * the year removed from Redis, entry by entry, each removal checking that
 * Redis still holds exactly what the archive holds. Kept in Redis: each
 * person's accumulators of the year, every idempotency record and requestId
 * claim (a late retry answers 404 ARCHIVED, never a new settlement), the
 * year's id set (ids carrying their year, ~24 B each: reads answer ARCHIVED
 * with the archive's name) or, for older ids, their index entry marked with
 * the year, and per hospital-day the archived figures, which day statements
 * add to their totals.
 *
 * Phases, and what a crash (kill -9) in each leaves:
 *   1 mark the year "archiving" (the service stops settling and reversing it);
 *   2 write `<name>.partial/`, verify it against Redis   → crash: Redis whole, the partial dropped by the re-run;
 *   3 rename to `<name>/`; mark "removing"                → crash: Redis whole, the archive verified;
 *   4 write the id set, then the per-day figures, then remove → crash: part removed, all of it in the verified archive;
 *   5 check nothing of the year is left; mark "archived".
 * A re-run finds the state in Redis and the archive on disk and goes on from there.
 */
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { businessDayOf } from '../domain/dates.js';
import { dayFigureDeltas, dayNamesOf, fromDayMember, ledgerField, type LedgerEntry } from '../domain/ledger.js';
import {
  NdjsonGzWriter,
  archiveExists,
  archivePaths,
  checkFiles,
  publish,
  readManifest,
  readNdjsonGz,
  startPartial,
  writeManifest,
  type FileSummary,
} from '../ops/archive-files.js';
import type { PolicyCatalog } from '../policy/catalog.js';
import { ARCHIVED_ID_RECORD, ARCHIVED_IDS_PER_BUCKET, type ArchiveStore } from '../store/archive-store.js';
import type { ArchiveRemovalOutcome } from '../store/script-results.js';
import { decodeSettlementRecord } from '../store/codec/settlement-record.js';
import { idempotencyField, sealedClaim } from './request-claims.js';
import { dayFigures, type ArchivedDayFigures, type DayFigures } from './statements.js';

export interface ArchiveOptions {
  year: number;
  outDir: string;
  /** "Today" (default: now): the year must be past its last claim day in Asia/Shanghai. */
  now?: Date;
  /** How long to let service processes learn that the year is being archived (their cache) before reading it. */
  graceMs?: number;
  log?: (message: string) => void;
}

export interface Manifest {
  archive: string;
  benefitYear: number;
  lastClaimDay: string;
  policies: { id: string; lastClaimDay: string; cite: string }[];
  createdAt: string;
  files: Record<string, FileSummary>;
  counts: { persons: number; settlements: number; reversals: number; ledgerEntries: number };
  /** Per hospital: totals of its ledger entries of the year. */
  hospitals: Record<string, DayFigures['totals']>;
  /** Per hospital-day ("<hospitalId> <date>"): totals and groups of its ledger entries of the year, as a statement shows them. */
  days: Record<string, DayFigures>;
}

export interface ArchiveReport {
  archive: string;
  directory: string;
  manifest: Manifest;
  removed: { settlements: number; ledgerEntries: number };
  /** The run found the archive written by an earlier run. */
  resumed: boolean;
}

/** One line of settlements.ndjson.gz: the response as answered (no dictionary needed to read it) and the stored meta. */
export interface SettlementLine {
  settlementId: string;
  card: string;
  benefitYear: number;
  position: number;
  recordSha1: string;
  meta: Record<string, unknown>;
  response: unknown;
  /** What the engine computed from (settlement-inputs.ts); null for settlements recorded before inputs were kept. */
  inputs: unknown;
}

/** The hospital and requestId an archived answer names, or null (an answer without them). */
function requestOf(response: unknown): { hospitalId: string; requestId: string } | null {
  const { hospitalId, requestId } = (response ?? {}) as { hospitalId?: unknown; requestId?: unknown };
  return typeof hospitalId === 'string' && typeof requestId === 'string' ? { hospitalId, requestId } : null;
}

/** One line of ledger.ndjson.gz: the hospital-day's key, the entry's ledger field, the entry as stored there (its member) and read. */
interface LedgerLine {
  key: string;
  field: string;
  stored: string;
  entry: LedgerEntry;
}

const LEASE_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const FILES = ['settlements.ndjson.gz', 'reversals.ndjson.gz', 'ledger.ndjson.gz', 'accumulators.ndjson.gz'] as const;
const BATCH = 200;

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

/** "ledger-day:{<hospitalId>:<date>}" → hospitalId, date */
function ledgerDayKeyParts(key: string): { hospitalId: string; date: string } {
  const tag = key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
  return { hospitalId: tag.slice(0, tag.lastIndexOf(':')), date: tag.slice(tag.lastIndexOf(':') + 1) };
}

/** A line written before the days were compacted names a hash of the earlier layout ("ledger:{tag}:…"). */
const isLegacyLine = (line: LedgerLine) => line.key.startsWith('ledger:{');

export class YearArchiver {
  constructor(
    private readonly store: ArchiveStore,
    private readonly catalog: PolicyCatalog,
  ) {}

  /** One run per year at a time (a Redis lease, renewed while it works; a crashed run's lease is taken over on its host, or expires). */
  async archive(options: ArchiveOptions): Promise<ArchiveReport> {
    const holder = `${os.hostname()} ${process.pid} ${randomUUID()}`;
    for (;;) {
      const held = await this.store.takeLease(options.year, holder, LEASE_MS);
      if (held === null) break;
      const [host, pid] = held.split(' ');
      if (host === os.hostname() && pid && !alive(Number(pid))) {
        await this.store.dropLease(options.year, held);
        continue;
      }
      throw new ArchiveError(`another archive run of ${options.year} is at work (${host} pid ${pid}); wait for it, or for its lease to expire (${LEASE_MS / 1000} s)`);
    }
    const renew = setInterval(() => void this.store.renewLease(options.year, holder, LEASE_MS).catch(() => {}), LEASE_MS / 3);
    try {
      return await this.run(options);
    } finally {
      clearInterval(renew);
      await this.store.dropLease(options.year, holder).catch(() => {});
    }
  }

  private async run(options: ArchiveOptions): Promise<ArchiveReport> {
    const { year, outDir } = options;
    const log = options.log ?? (() => {});
    const now = options.now ?? new Date();
    const closes = this.catalog.yearClosesAfter(year);
    if (!closes.ok) throw new ArchiveError(closes.reason);
    const today = businessDayOf(now);
    if (today <= closes.lastClaimDay) {
      throw new ArchiveError(`benefit year ${year} is still open: claims may be made until ${closes.lastClaimDay} (${closes.policies.map((p) => `${p.id} ${p.cite}`).join('; ')})`);
    }

    let state = await this.store.archiveState(year);
    const name = state?.archive ?? `benefit-year-${year}`;
    const { final } = archivePaths(outDir, name);
    if (!state) {
      state = { state: 'archiving', archive: name, at: now.toISOString() };
      await this.store.setArchiveState(year, state);
      log(`${year}: marked as being archived to ${name}; the service no longer settles or reverses it`);
      if (options.graceMs) await sleep(options.graceMs);
    }

    let resumed = true;
    if (!archiveExists(outDir, name)) {
      if (state.state !== 'archiving') {
        throw new ArchiveError(`Redis says ${year} was archived to ${name}, but ${final} is not there: run with the --out directory that holds it`);
      }
      resumed = false;
      await this.write(year, name, outDir, closes, now, log);
    }
    const { manifest, sha256 } = readManifest<Manifest>(final);
    const damaged = await checkFiles(final, manifest.files);
    if (damaged) throw new ArchiveError(`archive ${final} is damaged (${damaged}); nothing was removed`);
    if (manifest.benefitYear !== year) throw new ArchiveError(`${final} is the archive of ${manifest.benefitYear}, not ${year}`);
    if (state.state === 'archiving') {
      state = { ...state, state: 'removing', manifestSha256: sha256, at: now.toISOString() };
      await this.store.setArchiveState(year, state);
    }
    if (state.manifestSha256 && state.manifestSha256 !== sha256) throw new ArchiveError(`${final}/manifest.json is not the manifest this year was archived with`);

    if (state.idBuckets === undefined) {
      // The id set whole before any removal: from then on an id carrying its year answers ARCHIVED from it, with no index mark.
      const idBuckets = Math.max(1, Math.ceil(manifest.counts.settlements / ARCHIVED_IDS_PER_BUCKET));
      const ids = (async function* () {
        for await (const line of readNdjsonGz<SettlementLine>(path.join(final, 'settlements.ndjson.gz'))) yield line.settlementId;
      })();
      log(`${year}: writing the id set (${idBuckets} buckets)`);
      const written = await this.store.writeArchivedIds(year, idBuckets, ids);
      state = { ...state, idBuckets, idRecord: ARCHIVED_ID_RECORD };
      await this.store.setArchiveState(year, state);
      log(`${year}: wrote the id set: ${written} settlement ids that carry the year`);
    }
    const removed = await this.remove(year, name, final, manifest, log);
    await this.store.setArchiveState(year, { ...state, state: 'archived', at: now.toISOString() });
    log(`${year}: archived to ${final}; removed ${removed.settlements} settlements and ${removed.ledgerEntries} ledger entries from Redis`);
    return { archive: name, directory: final, manifest, removed, resumed };
  }

  /** Phase 2: everything of the year into `<name>.partial/`, read back and checked against Redis, then published. */
  private async write(
    year: number,
    name: string,
    outDir: string,
    closes: { lastClaimDay: string; policies: Manifest['policies'] },
    now: Date,
    log: (message: string) => void,
  ): Promise<void> {
    const dir = startPartial(outDir, name);
    log(`${year}: writing ${name}`);
    const writers = Object.fromEntries(FILES.map((file) => [file, new NdjsonGzWriter(path.join(dir, file))])) as Record<(typeof FILES)[number], NdjsonGzWriter>;
    const counts = { persons: 0, settlements: 0, reversals: 0, ledgerEntries: 0 };

    for await (const cards of this.store.cardsWithSettlements(year)) {
      for (const card of cards) {
        const person = await this.store.readPersonYear(card, year);
        counts.persons++;
        await writers['accumulators.ndjson.gz'].write({ card, benefitYear: year, accumulators: person.accumulators });
        for (let position = 0; position < person.ids.length; position++) {
          const record = person.records[position];
          const settlementId = person.ids[position]!;
          if (!record) throw new ArchiveError(`${card}: ${settlementId} is listed under ${year} but has no record`);
          const { meta, response, inputs } = decodeSettlementRecord(record, { settlementId, card });
          const line: SettlementLine = {
            settlementId,
            card,
            benefitYear: year,
            position,
            recordSha1: sha1(record),
            meta: meta as unknown as Record<string, unknown>,
            response: JSON.parse(response.toString('utf8')),
            inputs: inputs ? JSON.parse(inputs.toString('utf8')) : null,
          };
          await writers['settlements.ndjson.gz'].write(line);
          counts.settlements++;
          if (meta.s === 'reversed' && meta.x) {
            await writers['reversals.ndjson.gz'].write({ settlementId, card, benefitYear: year, ...meta.x });
            counts.reversals++;
          }
        }
      }
    }
    const perDay = new Map<string, LedgerEntry[]>();
    // Entries still in outboxes (or in the earlier layout) are moved into their days first.
    await this.store.compactLedgers();
    for await (const dayKeys of this.store.ledgerDayKeys()) {
      for (const key of dayKeys) {
        const { hospitalId, date } = ledgerDayKeyParts(key);
        // Entries of `year` are booked from its first day on (late claims and reversals run into later years).
        if (date.slice(0, 4) < String(year)) continue;
        const day = await this.store.readLedgerDay(key);
        const names = dayNamesOf(day.names);
        for (const [stored, score] of day.entries) {
          const entry = fromDayMember(stored, score, hospitalId, names);
          if (entry.benefitYear !== year) continue;
          const line: LedgerLine = { key, field: ledgerField(entry.kind, entry.settlementId), stored, entry };
          await writers['ledger.ndjson.gz'].write(line);
          counts.ledgerEntries++;
          const day = `${hospitalId} ${date}`;
          const list = perDay.get(day);
          if (list) list.push(entry);
          else perDay.set(day, [entry]);
        }
      }
    }
    const files: Record<string, FileSummary> = {};
    for (const file of FILES) files[file] = await writers[file].close();

    const days: Record<string, DayFigures> = {};
    const byHospital = new Map<string, LedgerEntry[]>();
    for (const [day, entries] of [...perDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
      days[day] = dayFigures(entries);
      const hospitalId = day.slice(0, day.indexOf(' '));
      const list = byHospital.get(hospitalId);
      if (list) list.push(...entries);
      else byHospital.set(hospitalId, [...entries]);
    }
    const hospitals = Object.fromEntries([...byHospital].sort(([a], [b]) => (a < b ? -1 : 1)).map(([h, entries]) => [h, dayFigures(entries).totals]));
    const manifest: Manifest = {
      archive: name,
      benefitYear: year,
      lastClaimDay: closes.lastClaimDay,
      policies: closes.policies,
      createdAt: now.toISOString(),
      files,
      counts,
      hospitals,
      days,
    };
    writeManifest(dir, manifest);
    await this.verify(dir, manifest, year);
    publish(outDir, name);
    log(`${year}: wrote and verified ${counts.settlements} settlements (${counts.reversals} reversed), ${counts.ledgerEntries} ledger entries of ${counts.persons} persons`);
  }

  /** The files read back equal their manifest and what Redis holds now, record for record. */
  private async verify(dir: string, manifest: Manifest, year: number): Promise<void> {
    const damaged = await checkFiles(dir, manifest.files);
    if (damaged) throw new ArchiveError(`the archive just written does not read back: ${damaged}`);
    let settlements = 0;
    let pending: SettlementLine[] = [];
    const check = async (lines: SettlementLine[]) => {
      const byCard = new Map<string, SettlementLine[]>();
      for (const line of lines) byCard.set(line.card, [...(byCard.get(line.card) ?? []), line]);
      for (const [card, mine] of byCard) {
        const person = await this.store.readPersonYear(card, year);
        for (const line of mine) {
          const record = person.records[line.position];
          if (person.ids[line.position] !== line.settlementId || !record || sha1(record) !== line.recordSha1) {
            throw new ArchiveError(`${line.settlementId} changed in Redis while it was being archived; nothing was removed: run again`);
          }
        }
      }
    };
    for await (const line of readNdjsonGz<SettlementLine>(path.join(dir, 'settlements.ndjson.gz'))) {
      settlements++;
      pending.push(line);
      if (pending.length >= BATCH) {
        await check(pending);
        pending = [];
      }
    }
    await check(pending);
    let ledgerEntries = 0;
    for await (const line of readNdjsonGz<LedgerLine>(path.join(dir, 'ledger.ndjson.gz'))) {
      ledgerEntries++;
      const held = isLegacyLine(line) ? (await this.store.readLedgerHash(line.key))[line.field] === line.stored : await this.store.hasLedgerDayEntry(line.key, line.stored);
      if (!held) throw new ArchiveError(`ledger entry ${line.field} of ${line.key} changed while it was being archived; nothing was removed: run again`);
    }
    let listed = 0;
    for await (const cards of this.store.cardsWithSettlements(year)) {
      for (const card of cards) listed += (await this.store.readPersonYear(card, year)).ids.length;
    }
    if (settlements !== manifest.counts.settlements || ledgerEntries !== manifest.counts.ledgerEntries || listed !== settlements) {
      throw new ArchiveError(`counts differ (archive ${settlements} settlements / ${ledgerEntries} ledger entries, Redis ${listed} settlements): nothing was removed: run again`);
    }
  }

  /**
   * One settlement out of Redis: its requestId's claim sealed first (its card
   * and body only: never taken over, fewer bytes), then its record, with its
   * idempotency record kept without its body hash. A re-run does the same.
   */
  private async retire(line: SettlementLine, year: number): Promise<ArchiveRemovalOutcome> {
    const subject = requestOf(line.response);
    if (subject !== null) {
      const raw = await this.store.readClaim(subject.hospitalId, subject.requestId);
      const sealed = raw === null ? null : sealedClaim(raw, line.card);
      if (raw !== null && sealed !== null && sealed !== raw) await this.store.replaceClaim(subject.hospitalId, subject.requestId, raw, sealed);
    }
    return this.store.removeSettlement(line.card, year, line.settlementId, line.recordSha1, subject === null ? null : idempotencyField(subject));
  }

  /** Phases 4 and 5. */
  private async remove(year: number, name: string, dir: string, manifest: Manifest, log: (message: string) => void): Promise<{ settlements: number; ledgerEntries: number }> {
    // The statements' figures first: from now on a statement adds the archive's figures and leaves out live entries of the year.
    for (const [day, figures] of Object.entries(manifest.days)) {
      const [hospitalId, date] = day.split(' ') as [string, string];
      const archived: ArchivedDayFigures = { benefitYear: year, archive: name, figures };
      await this.store.putArchivedDay(hospitalId, date, year, JSON.stringify(archived));
    }
    log(`${year}: removing from Redis what ${name} holds`);
    const removed = { settlements: 0, ledgerEntries: 0 };
    const changed: string[] = [];
    let batch: Promise<void>[] = [];
    const flush = async () => {
      await Promise.all(batch);
      batch = [];
    };
    for await (const line of readNdjsonGz<SettlementLine>(path.join(dir, 'settlements.ndjson.gz'))) {
      batch.push(
        this.retire(line, year).then((outcome) => {
          if (outcome === 'removed') removed.settlements++;
          if (outcome === 'changed') changed.push(line.settlementId);
        }),
      );
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    for await (const line of readNdjsonGz<LedgerLine>(path.join(dir, 'ledger.ndjson.gz'))) {
      batch.push(
        (isLegacyLine(line)
          ? this.store.removeLedgerEntry(line.key, line.field, line.stored)
          : this.store.removeLedgerDayEntry(line.entry.hospitalId, line.entry.date, line.stored, dayFigureDeltas(line.entry, -1n))
        ).then((outcome) => {
          if (outcome === 'removed') removed.ledgerEntries++;
          if (outcome === 'changed') changed.push(`${line.key} ${line.field}`);
        }),
      );
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (changed.length) {
      throw new ArchiveError(`${changed.length} records differ from ${name} and were left in Redis (first: ${changed[0]}); the rest of ${year} is removed`);
    }
    // Nothing of the year may be left that the archive does not hold.
    const left: string[] = [];
    for await (const cards of this.store.cardsWithSettlements(year)) left.push(...cards);
    if (left.length) throw new ArchiveError(`${left.length} persons still have settlements of ${year} that are not in ${name} (e.g. ${left[0]}): committed after it was written`);
    log(`${year}: removal checked, nothing of it is left in Redis but accumulators, idempotency records, claims, its id set and index marks`);
    return removed;
  }
}
