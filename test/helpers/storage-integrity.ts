/**
 * Nothing half-written: walks the whole keyspace of one Redis (or one cluster
 * node) and checks that every committed idempotency record names a stored
 * settlement of that person, listed under its year and indexed by id; that
 * every stored settlement has its idempotency record, its index entry and its
 * entry in a day ledger (and a reversed one its reversal entry), once; and
 * that an entry not yet compacted has its slot pending for its hospital-day.
 */
import type { Redis } from 'ioredis';
import { dayNamesOf, fromDayMember, fromStoredLedgerEntry, ledgerField, toStoredLedgerEntry } from '../../src/domain/ledger.js';
import { decodeSettlementRecord } from '../../src/store/codec/settlement-record.js';
import { settlementIdOfCard, slotOfCard } from '../../src/store/keys.js';
import { hasSettlementRecord, idempotencyRecord, yearIds } from './person-records.js';

export interface IntegrityReport {
  settlements: number;
  idempotencyRecords: number;
  ledgerEntries: number;
  problems: string[];
}

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

const cardOfKey = (key: string) => /\{([^}]+)\}/.exec(key)![1]!;

export async function checkStorageIntegrity(redis: Redis): Promise<IntegrityReport> {
  const problems: string[] = [];
  const report: IntegrityReport = { settlements: 0, idempotencyRecords: 0, ledgerEntries: 0, problems };

  // Every ledger entry, by field, wherever it lives: compacted into its hospital-day, or still in its slot's
  // outbox (then its slot is pending for that day), or in the earlier layout (then its slot is listed).
  const ledger = new Map<string, string>();
  for (const key of await scanAll(redis, 'ledger-day:*')) {
    const tag = cardOfKey(key);
    const hospitalId = tag.slice(0, tag.lastIndexOf(':'));
    const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
    const names = dayNamesOf(await redis.lrange(`ledger-names:{${tag}}`, 0, -1));
    for (let i = 0; i < flat.length; i += 2) {
      const entry = fromDayMember(flat[i]!, Number(flat[i + 1]), hospitalId, names);
      const field = ledgerField(entry.kind, entry.settlementId);
      if (ledger.has(field)) problems.push(`${key}: ${field} is in the ledger twice`);
      ledger.set(field, toStoredLedgerEntry(entry));
      report.ledgerEntries++;
    }
  }
  for (const key of await scanAll(redis, 'ledger-outbox:*')) {
    for (const [field, stored] of Object.entries(await redis.hgetall(key))) {
      const [hospitalId, date, own] = field.split('|') as [string, string, string];
      // Moved already, its outbox field not yet removed (a crash between the two): counted once.
      if (ledger.has(own)) continue;
      ledger.set(own, stored);
      report.ledgerEntries++;
      const { card } = fromStoredLedgerEntry(stored);
      if ((await redis.zscore(`ledger-pending:{${hospitalId}:${date}}`, String(slotOfCard(card)))) === null) {
        problems.push(`${key} ${field}: slot not pending for ${hospitalId} ${date}`);
      }
    }
  }
  for (const key of await scanAll(redis, 'ledger:*')) {
    const [, , hospitalId, date] = key.split(':') as [string, string, string, string];
    for (const [field, entry] of Object.entries(await redis.hgetall(key))) {
      if (ledger.has(field)) continue;
      ledger.set(field, entry);
      report.ledgerEntries++;
      const { card } = fromStoredLedgerEntry(entry);
      if ((await redis.sismember(`ledger-slots:{${hospitalId}:${date}}`, String(slotOfCard(card)))) !== 1) {
        problems.push(`${key}: slot not listed for ${hospitalId} ${date}`);
      }
    }
  }

  // Idempotency records: the person's hash fields without '|', or the earlier layout's idem: hash.
  for (const key of [...(await scanAll(redis, 'idem:*')), ...(await scanAll(redis, 'person:*'))]) {
    const card = cardOfKey(key);
    for (const [field, value] of Object.entries(await redis.hgetall(key))) {
      if (field.includes('|') || value.startsWith('void ')) continue;
      report.idempotencyRecords++;
      const settlementId = settlementIdOfCard(card, value.slice(value.indexOf(' ') + 1));
      if (!(await hasSettlementRecord(redis, card, settlementId))) problems.push(`${key} ${field}: settlement ${settlementId} missing`);
    }
  }

  // Records: fields 'r|<id>' of the person's hash, or the earlier layout's stl: keys.
  const records: [string, string, Buffer][] = [];
  for (const key of await scanAll(redis, 'person:*')) {
    const hash = await redis.hgetallBuffer(key);
    for (const field in hash) if (field.startsWith('r|')) records.push([`${key} ${field}`, settlementIdOfCard(cardOfKey(key), field.slice(2)), hash[field]!]);
  }
  for (const key of await scanAll(redis, 'stl:*')) records.push([key, key.slice(key.lastIndexOf(':') + 1), (await redis.getBuffer(key))!]);
  for (const [key, settlementId, record] of records) {
    report.settlements++;
    const card = cardOfKey(key);
    const { meta, response } = decodeSettlementRecord(record, { settlementId, card });
    const view = JSON.parse(response.toString()) as { settlementId: string; requestId: string; hospitalId: string; benefitYear: number };
    if (view.settlementId !== settlementId) problems.push(`${key}: response names ${view.settlementId}`);
    // A compact meta line leaves hospital, requestId and year to the answer.
    const [hospitalId, requestId, year] = meta.h === undefined ? [view.hospitalId, view.requestId, view.benefitYear] : [meta.h, meta.rq, meta.y];
    if ((await idempotencyRecord(redis, card, `${hospitalId}:${requestId}`))?.endsWith(` ${settlementId}`) !== true) problems.push(`${key}: no idempotency record`);
    if (!(await yearIds(redis, card, year!)).includes(settlementId)) problems.push(`${key}: not listed under ${year}`);
    if (!ledger.has(ledgerField('settlement', settlementId))) problems.push(`${key}: no ledger entry`);
    const reversed = meta.s === 'reversed';
    if (reversed && !ledger.has(ledgerField('reversal', settlementId))) problems.push(`${key}: reversed without a reversal entry`);
    if (!reversed && ledger.has(ledgerField('reversal', settlementId))) problems.push(`${key}: settled with a reversal entry`);
  }
  for (const key of await scanAll(redis, 'idx:*')) {
    for (const [id, card] of Object.entries(await redis.hgetall(key))) {
      if (id.startsWith('S-') && !(await hasSettlementRecord(redis, card, id))) problems.push(`${key}: ${id} indexed but not stored`);
    }
  }
  for (const field of ledger.keys()) {
    const entry = fromStoredLedgerEntry(ledger.get(field)!);
    if (!(await hasSettlementRecord(redis, entry.card, entry.settlementId))) problems.push(`ledger ${field}: settlement missing`);
  }
  return report;
}
