/**
 * Day ledgers in Redis. On a cluster a commit may write only its person's
 * slot, so the commit and reversal scripts write each entry into their slot's
 * outbox (`ledger-outbox:{slot}`, one hash per slot shared by every
 * hospital-day: no key per entry) and note the slot, before the commit, in the
 * hospital-day's pending set. Compaction moves the entries into the
 * hospital-day's own keys — an ordered set of compact entries and a hash of
 * its figures in integer fen — so that a statement page reads its own entries
 * and the figures, never the whole day.
 *
 * A move is crash-safe and counted once: an entry is added with ZADD NX (the
 * same entry is the same member) and only an entry added adds its figures;
 * it leaves the outbox only after it is in the day. A slot leaves the pending
 * set only if no commit noted it within NOTE_GRACE_MS of the drain (a commit
 * notes again when its own note is older than NOTE_REFRESH_MS), so an entry
 * written after the drain is still found by the next compaction. Every read
 * of a day compacts it first. Entries of the earlier layout (a hash per slot
 * per hospital-day and a slot set) are moved the same way when read.
 */
import { DAY_NAMES_BOUND, dayFigureDeltas, dayNamesOf, dayScoreOf, fromDayMember, fromStoredLedgerEntry, toDayMemberDraft, type LedgerEntry } from '../domain/ledger.js';
import { keys, slotOfCard } from './keys.js';
import { scanKeys, type ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import { results } from './store-records.js';
import { compactLedger, forgetLedgerSlots, type CompactedEntry } from './scripts/ledger.js';

/** How long after its latest note a slot stays pending although drained (covers a commit's note-to-commit time and clock skew). */
export const NOTE_GRACE_MS = 10_000;
/** A commit whose note is older than this notes its slot again before it commits. */
export const NOTE_REFRESH_MS = 2_000;
/** A background compaction runs this long after a hospital-day was written, and again while slots are pending: past the grace, so that the slots noted before the write are due. */
const COMPACT_DELAY_MS = NOTE_GRACE_MS + 1_000;
/** Entries moved per script call, fields read per HSCAN call, slots drained at once. */
const MOVE_BATCH = 200;
const SCAN_COUNT = 500;
const PARALLEL_SLOTS = 64;
/**
 * Slots a compaction pass reads before their entries move: a pass moves them
 * in shared script calls and forgets its slots in one, so that a slot holding
 * one entry (a province's usual day) costs a scan and a delete, not two
 * scripts more.
 */
const SLOTS_PER_PASS = 64;

/** An entry waiting in an outbox (or a hash of the earlier layout): the hash, its field and the stored entry. */
interface WaitingEntry {
  hash: string;
  field: string;
  stored: string;
}

/** The outbox field of an entry: hospital and day first, so a day's entries are found by prefix. */
export const outboxField = (hospitalId: string, date: string, ledgerField: string): string => `${hospitalId}|${date}|${ledgerField}`;

/** "prefix:{<hospitalId>:<date>}" → hospitalId, date */
function dayOfKey(key: string): { hospitalId: string; date: string } {
  const tag = key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
  return { hospitalId: tag.slice(0, tag.lastIndexOf(':')), date: tag.slice(tag.lastIndexOf(':') + 1) };
}

/** "ledger:{tag}:<hospitalId>:<date>" (earlier layout) → hospitalId, date */
export function legacyKeyParts(key: string): { hospitalId: string; date: string } {
  const date = key.slice(key.lastIndexOf(':') + 1);
  const rest = key.slice(0, key.lastIndexOf(':'));
  return { hospitalId: rest.slice(rest.lastIndexOf(':') + 1), date };
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
}

/** A day's members and scores (ZRANGE WITHSCORES) read with the day's names. */
export function decodeDay(flat: readonly string[], names: readonly string[], hospitalId: string): LedgerEntry[] {
  const parsed = dayNamesOf(names);
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push(fromDayMember(flat[i]!, Number(flat[i + 1]), hospitalId, parsed));
  return entries;
}

export interface DayPage {
  /** The day's figures hash (ledger-records' fields: domain/ledger.ts dayFigureDeltas). */
  figures: Record<string, string>;
  entries: LedgerEntry[];
  /** Entries of the day. */
  count: number;
}

export class LedgerRecords {
  /** Synchronous: no Redis call of their own (a breaker guard passes them through). */
  static readonly localMethods: readonly string[] = ['noteIsStale', 'touched', 'stop'];

  private readonly scheduled = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly redis: ScriptedClient,
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
    /** Wall clock of the notes and of the drains (ms). */
    private readonly clock: () => number = Date.now,
    /** Members as the release before the day's names reads them, while its processes may still move entries (STORE_WRITE_FORMAT=previous). */
    private readonly previousFormat = false,
  ) {}

  /** Names the slot of `card` among those pending for the hospital-day (before the entry is written); answers when it was noted. */
  async noteSlot(hospitalId: string, date: string, card: string): Promise<number> {
    const at = this.clock();
    // replicas: a slot named now must be on a replica before the entry it leads to is answered for.
    await this.replicas.command<number>(this.redis, 'ZADD', [keys.ledgerPending(hospitalId, date), 'GT', 'CH', at, slotOfCard(card)], (changed) => changed > 0);
    return at;
  }

  /** Whether a note made at `notedAt` is too old to cover a commit now (note again first). */
  noteIsStale(notedAt: number): boolean {
    return this.clock() - notedAt > NOTE_REFRESH_MS;
  }

  /**
   * Compacts the hospital-day in the background (reads compact it anyway),
   * only the slots whose latest note is past the grace: a slot drained
   * sooner stays pending and is drained again when it leaves, its outbox
   * scanned twice instead of once. Runs come every COMPACT_DELAY_MS while
   * slots are pending.
   */
  touched(hospitalId: string, date: string, delayMs = COMPACT_DELAY_MS): void {
    const id = `${hospitalId}|${date}`;
    if (this.scheduled.has(id)) return;
    const timer = setTimeout(() => {
      // Still scheduled while it runs: writes meanwhile wait for the next run.
      this.compactDay(hospitalId, date, NOTE_GRACE_MS, { dueOnly: true }).then(
        ({ pending }) => {
          this.scheduled.delete(id);
          if (pending > 0) this.touched(hospitalId, date);
        },
        // A failed background compaction loses nothing: the entries stay in their outboxes for the next one.
        () => this.scheduled.delete(id),
      );
    }, delayMs);
    timer.unref();
    this.scheduled.set(id, timer);
  }

  /** Drops the scheduled background compactions (shutdown). */
  stop(): void {
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
  }

  /**
   * Moves every pending entry of the hospital-day into it (`dueOnly`: only
   * those of slots noted before the grace); answers how many slots stay
   * pending (noted within the grace). A slot noted within the grace is not
   * offered to forget-ledger-slots, which would keep it: its note only grows.
   */
  async compactDay(hospitalId: string, date: string, graceMs = NOTE_GRACE_MS, { dueOnly = false } = {}): Promise<{ pending: number }> {
    const started = this.clock();
    const cutoffMs = started - graceMs;
    const pendingKey = keys.ledgerPending(hospitalId, date);
    const [noted, legacySlots] = await Promise.all([this.redis.zrange(pendingKey, 0, -1, 'WITHSCORES'), this.redis.smembers(keys.ledgerSlots(hospitalId, date))]);
    const slots: { slot: string; due: boolean }[] = [];
    let pending = 0;
    for (let i = 0; i < noted.length; i += 2) {
      const due = Number(noted[i + 1]) < cutoffMs;
      if (!due) pending++;
      if (due || !dueOnly) slots.push({ slot: noted[i]!, due });
    }
    const prefix = `${hospitalId}|${date}|`;
    for (let start = 0; start < slots.length; start += SLOTS_PER_PASS) {
      const pass = slots.slice(start, start + SLOTS_PER_PASS);
      const waiting: WaitingEntry[] = [];
      const larger: { outbox: string; cursor: string }[] = [];
      await eachLimited(pass, PARALLEL_SLOTS, async ({ slot }) => {
        const outbox = keys.ledgerOutbox(Number(slot));
        const [cursor, flat] = await this.scanOutbox(outbox, '0', prefix);
        for (let i = 0; i < flat.length; i += 2) waiting.push({ hash: outbox, field: flat[i]!, stored: flat[i + 1]! });
        if (cursor !== '0') larger.push({ outbox, cursor });
      });
      await this.moveOut(hospitalId, date, waiting);
      // An outbox past one scan page (rare: each is drained seconds after its writes) is drained on its own from there.
      await eachLimited(larger, PARALLEL_SLOTS, ({ outbox, cursor }) => this.drainOutbox(outbox, prefix, cursor));
      // Only once every entry of the pass is in the day: a slot forgotten sooner could hide one.
      const due = pass.filter((s) => s.due).map((s) => s.slot);
      pending += due.length - (await forgetLedgerSlots(this.redis, { pendingKey, slots: due, cutoffMs }));
    }
    // Earlier layout: nothing writes there any more, so a drained slot is dropped at once.
    await eachLimited(legacySlots, PARALLEL_SLOTS, async (slot) => {
      await this.drainLegacy(keys.ledger(Number(slot), hospitalId, date));
      await this.redis.srem(keys.ledgerSlots(hospitalId, date), slot);
    });
    return { pending };
  }

  /** A page of the hospital-day (compacted first): its figures, the entries at positions start.., and how many it holds. */
  async page(hospitalId: string, date: string, start: number, limit: number): Promise<DayPage> {
    await this.compactDay(hospitalId, date);
    const [figures, flat, count, names] = results<[Record<string, string>, string[], number, string[]]>(
      await this.redis
        .multi()
        .hgetall(keys.ledgerFigures(hospitalId, date))
        .zrange(keys.ledgerDay(hospitalId, date), start, start + limit - 1, 'WITHSCORES')
        .zcard(keys.ledgerDay(hospitalId, date))
        .lrange(keys.ledgerNames(hospitalId, date), 0, -1)
        .exec(),
    );
    return { figures, entries: decodeDay(flat, names, hospitalId), count };
  }

  /** Every entry of the hospital-day (compacted first), in time order. */
  async dayEntries(hospitalId: string, date: string): Promise<LedgerEntry[]> {
    await this.compactDay(hospitalId, date);
    const [flat, names] = results<[string[], string[]]>(
      await this.redis.multi().zrange(keys.ledgerDay(hospitalId, date), 0, -1, 'WITHSCORES').lrange(keys.ledgerNames(hospitalId, date), 0, -1).exec(),
    );
    return decodeDay(flat, names, hospitalId);
  }

  /**
   * Everything not yet in its hospital-day, wherever it is: every outbox
   * (entries of a commit whose note was lost in a crash too), the earlier
   * layout, and the pending sets' drained slots (npm run archive runs it
   * first; a bench, with nothing in flight, with graceMs 0).
   */
  async sweep(graceMs = NOTE_GRACE_MS): Promise<void> {
    for await (const batch of this.scan('ledger-outbox:{*}')) await eachLimited(batch, PARALLEL_SLOTS, (key) => this.drainOutbox(key, ''));
    for await (const batch of this.scan('ledger:{*}:*')) await eachLimited(batch, PARALLEL_SLOTS, (key) => this.drainLegacy(key));
    for await (const batch of this.scan('ledger-slots:{*}')) await Promise.all(batch.map((key) => this.redis.del(key)));
    for await (const batch of this.scan('ledger-pending:{*}')) {
      await eachLimited(batch, 8, async (key) => {
        const { hospitalId, date } = dayOfKey(key);
        await this.compactDay(hospitalId, date, graceMs);
      });
    }
  }

  /** Every key matching `pattern` on the single Redis or every master of the cluster, a SCAN batch at a time. */
  scan(pattern: string): AsyncGenerator<string[]> {
    return scanKeys(this.redis, pattern);
  }

  /** One HSCAN page of an outbox's fields starting with `prefix` ('' for all). */
  private scanOutbox(outbox: string, cursor: string, prefix: string): Promise<[string, string[]]> {
    return this.redis.hscan(outbox, cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', SCAN_COUNT);
  }

  /** Moves an outbox's entries whose field starts with `prefix` ('' for all) into their hospital-days, scanning on from `cursor`. */
  private async drainOutbox(outbox: string, prefix: string, from = '0'): Promise<void> {
    let cursor = from;
    do {
      const [next, flat] = await this.scanOutbox(outbox, cursor, prefix);
      cursor = next;
      const byDay = new Map<string, WaitingEntry[]>();
      for (let i = 0; i < flat.length; i += 2) {
        const field = flat[i]!;
        const day = field.slice(0, field.indexOf('|', field.indexOf('|') + 1));
        const group = byDay.get(day) ?? [];
        group.push({ hash: outbox, field, stored: flat[i + 1]! });
        byDay.set(day, group);
      }
      for (const [day, waiting] of byDay) {
        const [hospitalId, date] = day.split('|') as [string, string];
        await this.moveOut(hospitalId, date, waiting);
      }
    } while (cursor !== '0');
  }

  /** Moves one hash of the earlier layout into its hospital-day. */
  private async drainLegacy(key: string): Promise<void> {
    const { hospitalId, date } = legacyKeyParts(key);
    const all = await this.redis.hgetall(key);
    await this.moveOut(
      hospitalId,
      date,
      Object.keys(all).map((field) => ({ hash: key, field, stored: all[field]! })),
    );
  }

  /** Moves waiting entries of one hospital-day into it, a batch per script call, each batch deleted from where it waited once the day holds it. */
  private async moveOut(hospitalId: string, date: string, waiting: readonly WaitingEntry[]): Promise<void> {
    for (let start = 0; start < waiting.length; start += MOVE_BATCH) {
      const moved = await this.moveInto(hospitalId, date, waiting.slice(start, start + MOVE_BATCH));
      const byHash = new Map<string, string[]>();
      for (const { hash, field } of moved) {
        const fields = byHash.get(hash) ?? [];
        fields.push(field);
        byHash.set(hash, fields);
      }
      await Promise.all([...byHash].map(([hash, fields]) => this.redis.hdel(hash, ...fields)));
    }
  }

  /**
   * Adds at most MOVE_BATCH waiting entries to the hospital-day in one
   * script call; answers those now safely in the day (an entry that does not
   * read as one stays where it is).
   */
  private async moveInto(hospitalId: string, date: string, batch: readonly WaitingEntry[]): Promise<WaitingEntry[]> {
    const entries: CompactedEntry[] = [];
    const moved: WaitingEntry[] = [];
    for (const waiting of batch) {
      let entry: LedgerEntry;
      try {
        entry = fromStoredLedgerEntry(waiting.stored);
      } catch {
        continue;
      }
      entries.push({ score: dayScoreOf(entry), draft: toDayMemberDraft(entry), figureDeltas: dayFigureDeltas(entry) });
      moved.push(waiting);
    }
    if (moved.length === 0) return moved;
    // replicas: an entry leaves its outbox only once the day holds it on the required replicas.
    await compactLedger(this.redis, this.replicas, {
      dayKey: keys.ledgerDay(hospitalId, date),
      figuresKey: keys.ledgerFigures(hospitalId, date),
      namesKey: keys.ledgerNames(hospitalId, date),
      namesBound: DAY_NAMES_BOUND,
      previous: this.previousFormat,
      entries,
    });
    return moved;
  }
}
