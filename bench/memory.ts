/**
 * Bytes of Redis memory per settlement, every key a settlement writes
 * included (record, year list entry, id index, requestId claim, idempotency
 * field, day-ledger entry (compacted into its hospital-day), listed stay, the person-year's
 * accumulators), BEFORE and AFTER compaction, in one run. The record is a
 * field 'r|<id>' of the person's hash (an stl: key in the earlier layout:
 * both are counted); its share of the person family is its fields' bytes
 * (HSTRLEN + field name), the rest is the person's. Printed, never
 * asserted (target ≤ 1,024 B after at the bench's 80 per hospital-day, ≤ 400 B
 * once archived).
 *
 * 1. A representative workload (scripts/lib/representative-settlements.ts:
 *    three regions, every visit type, ~1.5 settlements per person-year) is
 *    settled through the real use-case into a throw-away redis-server.
 * 2. Its keys are copied (DUMP/RESTORE) into fresh redis-servers, once per
 *    way of storing the settlement record: the response uncompressed (BEFORE),
 *    deflated without a dictionary, deflated with the placeholder dictionary
 *    v1 had before scripts/make-response-dictionary.ts, and as stored now
 *    (AFTER). Each copy's `INFO memory` used_memory over the settlement keys,
 *    divided by the settlements, is the figure; the registry is not counted.
 * 3. MEMORY USAGE by key family on the AFTER copy says where the bytes go,
 *    and the records' sizes (percentiles) show how many pass
 *    hash-max-listpack-value (their person's hash is then a hashtable).
 * 4. Both benefit years of the workload (closed long ago) are archived out of
 *    the work Redis (npm run archive's code): what a settlement still costs
 *    afterwards (accumulators, idempotency record, claim, its id in the
 *    year's id set, or an older id's index mark), its keys copied into a
 *    fresh redis-server as in 2 (the work Redis's own figure, with the
 *    server's fixed costs, is printed beside it).
 *
 *   npm run bench:memory                      (≈ 4,000 settlements)
 *   npm run bench:memory -- --persons 5000
 *   npm run bench:memory -- --card-prefix 330326198001   (18-character cards)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { YearArchiver } from '../src/service/archive.js';
import { LocalCoverage } from '../src/service/coverage.js';
import { ArchiveStore } from '../src/store/archive-store.js';
import { SettlementService } from '../src/service/settlements.js';
import { decodeSettlementRecord } from '../src/store/codec/settlement-record.js';
import { settlementIdOfCard, keys as storeKeys } from '../src/store/keys.js';
import { createRedis, whenReady } from '../src/store/redis.js';
import { openRepositories } from '../src/store/repositories.js';
import { representativeWorkload } from '../scripts/lib/representative-settlements.js';
import { startRedis, type RedisServer } from '../scripts/lib/redis-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { persons: { type: 'string', default: '2600' }, 'per-hospital-day': { type: 'string', default: '80' }, 'card-prefix': { type: 'string', default: 'W' } },
});
/**
 * Cards are '<prefix><6 digits>': 'W' gives 7 characters; 'A12' the 9 of a
 * social-security card number (社会保障卡卡号), '330326198001' the 18 of a
 * citizen id. Each of the card's bytes is in its keys and its index entry.
 */
const CARD_PREFIX = values['card-prefix'];
const PERSONS = Number(values.persons);
/**
 * Settlements a hospital books a day. A province of 40 million discharges
 * ~165,000 a day over ~2,000 hospitals (docs/deploy.md): about 80 each. The
 * day-ledger slot lists are per hospital-day, so their cost per settlement
 * depends on it; the workload's settlements are booked on as many days as
 * that density gives (discharge dates stay spread over the year).
 */
const PER_HOSPITAL_DAY = Number(values['per-hospital-day']);

/** What v1 was before the dictionary was built from representative responses (kept here only to show its effect). */
const PLACEHOLDER_DICTIONARY = Buffer.from(
  '{"settlementId":"S-0000-","requestId":"","status":"settled","policyId":"pingyang-2019","benefitYear":2019,"card":"","hospitalId":"","visitType":"inpatient"}',
);

/** The encoding thresholds of config/redis.conf (they decide how compact small hashes, sets and lists are). */
const REDIS_ARGS = readFileSync(path.join(ROOT, 'config/redis.conf'), 'utf8')
  .split('\n')
  .filter((line) => /^(hash|zset|set|list)-max-[a-z-]+ /.test(line))
  .flatMap((line) => {
    const [name, value] = line.trim().split(/\s+/);
    return [`--${name}`, value!];
  });
const REGISTRY = /^(enrollee:|hospital:|hospitals$)/;
/** A record's field name in the person's hash starts so (keys.settlementField). */
const RECORD_FIELD = storeKeys.settlementField('');

/** Every stored record, of stl: keys and of the person hashes' fields. */
/** The card of a key (its hash tag) and a record's settlement id (its field or key name), which the record leaves out. */
const cardOfKey = (key: string) => key.slice(key.indexOf('{') + 1, key.indexOf('}'));
const idsOf = (key: string, field?: string) => ({
  card: cardOfKey(key),
  settlementId: field ? settlementIdOfCard(cardOfKey(key), field.slice(RECORD_FIELD.length)) : key.slice(key.lastIndexOf(':') + 1),
});

async function recordsOf(redis: Redis, all: string[]): Promise<{ record: Buffer; ids: { card: string; settlementId: string } }[]> {
  const found: { record: Buffer; ids: { card: string; settlementId: string } }[] = [];
  for (const key of all) {
    if (key.startsWith('stl:')) found.push({ record: (await redis.getBuffer(key))!, ids: idsOf(key) });
    if (!key.startsWith('person:')) continue;
    const fields = await redis.hgetallBuffer(key);
    for (const field in fields) if (field.startsWith(RECORD_FIELD)) found.push({ record: fields[field]!, ids: idsOf(key, field) });
  }
  return found;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)![1]);
}

async function scanAll(redis: Redis): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    found.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

type RecordVariant = (meta: Buffer, response: Buffer) => Buffer;

const VARIANTS: [string, RecordVariant | null][] = [
  ['BEFORE: response uncompressed', (meta, response) => Buffer.concat([meta, response])],
  ['deflate, no dictionary', (meta, response) => Buffer.concat([meta, deflateRawSync(response, { level: 6 })])],
  ['deflate, placeholder dictionary', (meta, response) => Buffer.concat([meta, deflateRawSync(response, { level: 6, dictionary: PLACEHOLDER_DICTIONARY })])],
  ['AFTER: as stored (generated dictionary)', null],
];

async function copyInto(source: Redis, keys: string[], variant: RecordVariant | null): Promise<{ bytes: number; server: RedisServer; redis: Redis }> {
  const server = await startRedis(REDIS_ARGS);
  const target = createRedis({ url: server.url }) as unknown as Redis;
  await whenReady(target as never);
  const restore = async (subset: string[]) => {
    for (let i = 0; i < subset.length; i += 500) {
      const batch = subset.slice(i, i + 500);
      const dumps = await Promise.all(batch.map((key) => source.dumpBuffer(key)));
      const pipeline = target.pipeline();
      const varied = (record: Buffer, ids: { card: string; settlementId: string }) =>
        variant!(record.subarray(0, record.indexOf(0x0a) + 1), decodeSettlementRecord(record, ids).response);
      batch.forEach((key, j) => {
        if (variant && key.startsWith('stl:')) return;
        pipeline.restore(key, 0, dumps[j]!);
      });
      for (const key of batch) {
        if (!variant) continue;
        if (key.startsWith('stl:')) pipeline.set(key, varied((await source.getBuffer(key))!, idsOf(key)));
        if (!key.startsWith('person:')) continue;
        // Records inside the person's hash: each rewritten in place (the hash's encoding follows, as it would).
        const fields = await source.hgetallBuffer(key);
        for (const field in fields) if (field.startsWith(RECORD_FIELD)) pipeline.hset(key, field, varied(fields[field]!, idsOf(key, field)));
      }
      await pipeline.exec();
    }
  };
  await restore(keys.filter((k) => REGISTRY.test(k)));
  const before = await usedMemory(target);
  await restore(keys.filter((k) => !REGISTRY.test(k)));
  return { bytes: (await usedMemory(target)) - before, server, redis: target };
}

function family(key: string): string {
  if (key.startsWith('ledger-slots:')) return 'ledger-slots (slot list of a hospital-day, earlier layout)';
  if (key.startsWith('ledger-day:')) return "ledger-day (a hospital-day's entries)";
  if (key.startsWith('ledger-figures:')) return "ledger-figures (a hospital-day's figures)";
  if (key.startsWith('ledger-names:')) return "ledger-names (a hospital-day's repeats, once)";
  if (key.startsWith('ledger-pending:')) return 'ledger-pending (slots noted for a hospital-day)';
  if (key.startsWith('ledger-outbox:')) return 'ledger-outbox (entries not yet compacted)';
  const prefix = key.slice(0, key.indexOf(':'));
  return (
    {
      stl: 'stl (settlement record, earlier layout)',
      stls: 'stls (year list)',
      idx: 'idx (id → card index)',
      req: 'req (requestId claim)',
      idem: 'idem (idempotency field)',
      ledger: 'ledger (day-ledger entry)',
      stays: 'stays (listed inpatient stay)',
      acc: 'acc (person-year accumulators)',
      person: 'person (one hash: records, accumulators, year list, stays, occupancy, idempotency)',
      'archived-ids': "archived-ids (an archived year's ids that carry it)",
    }[prefix] ?? prefix
  );
}

async function main(): Promise<void> {
  const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
  const work = await startRedis(REDIS_ARGS);
  const servers: RedisServer[] = [work];
  try {
    const redis = createRedis({ url: work.url });
    await whenReady(redis);
    const store = openRepositories(redis);
    let clock = new Date();
    const service = new SettlementService(store, catalog, new LocalCoverage(store), { now: () => clock });
    const workload = representativeWorkload({ persons: PERSONS, cardPrefix: CARD_PREFIX });
    for (const hospital of workload.hospitals) await store.registry.putHospital(hospital);
    for (const person of workload.persons) await store.registry.putEnrollee(person.enrollee);
    const registryBytes = await usedMemory(redis as unknown as Redis);

    let settled = 0;
    const refused = new Map<string, number>();
    const byType = new Map<string, number>();
    const started = Date.now();
    const total = workload.persons.reduce((n, p) => n + p.requests.length, 0);
    const days = Math.max(1, Math.round(total / (workload.hospitals.length * PER_HOSPITAL_DAY)));
    let booked = 0;
    for (const person of workload.persons) {
      for (const body of person.requests) {
        const at = workload.settledAtOf(body);
        // Booked on one of `days` consecutive business days, at the time of day the workload gives.
        clock = new Date(Date.UTC(2019, 11, 2 + (booked++ % days), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
        try {
          await service.settle(parseSettlementRequest(body), { operator: workload.operatorOf(body), keyId: `billing-${body.hospitalId}` });
          settled++;
          byType.set(`${person.enrollee.region} ${body.visitType}`, (byType.get(`${person.enrollee.region} ${body.visitType}`) ?? 0) + 1);
        } catch (error) {
          const code = (error as { code?: string }).code ?? (error as Error).message;
          refused.set(code, (refused.get(code) ?? 0) + 1);
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const personYears = workload.persons.length;
    console.log(`bench:memory — redis-server ${(await redis.info('server')).match(/redis_version:(\S+)/)![1]}; figures from a shared, busy 2-core machine`);
    console.log(
      `${settled} settlements of ${personYears} person-years (${(settled / personYears).toFixed(2)} each) in ${seconds.toFixed(1)} s, cards of ${workload.persons[0]!.enrollee.card.length} characters, booked over ${days} days at ${workload.hospitals.length} hospitals; refused: ${JSON.stringify(Object.fromEntries(refused))}`,
    );
    console.log(`redis-server started with config/redis.conf's encoding settings: ${REDIS_ARGS.join(' ') || '(none: Redis defaults)'}`);
    console.log(
      `mix: ${[...byType]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );

    // The day ledgers as they rest: every outbox compacted into its hospital-day (nothing is in flight here, so no grace).
    await store.ledgers.sweep(0);
    store.ledgers.stop();
    const keys = await scanAll(redis as unknown as Redis);
    const rows: [string, number][] = [];
    let after: Redis | null = null;
    for (const [name, variant] of VARIANTS) {
      const copy = await copyInto(redis as unknown as Redis, keys, variant);
      servers.push(copy.server);
      rows.push([name, copy.bytes / settled]);
      if (!variant) after = copy.redis;
      else copy.redis.disconnect();
    }
    console.log('\nused_memory of every key the settlements wrote, per settlement:');
    const before = rows[0]![1];
    for (const [name, perSettlement] of rows) {
      console.log(`  ${name.padEnd(42)} ${perSettlement.toFixed(0).padStart(6)} B   ${(perSettlement / before).toFixed(2)} × before`);
    }

    // Where the bytes go (MEMORY USAGE estimates, AFTER).
    const families = new Map<string, { keys: number; bytes: number }>();
    for (const key of keys.filter((k) => !REGISTRY.test(k))) {
      const bytes = Number(await after!.memory('USAGE', key, 'SAMPLES', '0'));
      const f = families.get(family(key)) ?? { keys: 0, bytes: 0 };
      f.keys++;
      f.bytes += bytes;
      families.set(family(key), f);
    }
    const records = await recordsOf(redis as unknown as Redis, keys);
    let responseBytes = 0;
    let storedBytes = 0;
    let inputsStored = 0;
    let metaStored = 0;
    // The records inside person hashes: their values and field names (a listpack entry adds a few bytes each).
    let hashedBytes = 0;
    for (const key of keys.filter((k) => k.startsWith('person:'))) {
      for (const field of (await redis.hkeys(key)).filter((f) => f.startsWith(RECORD_FIELD))) hashedBytes += field.length + (await redis.hstrlen(key, field));
    }
    for (const { record, ids } of records) {
      storedBytes += record.length;
      const decoded = decodeSettlementRecord(record, ids);
      responseBytes += decoded.response.length;
      metaStored += record.indexOf(0x0a) + 1;
      if (decoded.meta.r !== undefined) inputsStored += record.length - (record.indexOf(0x0a) + 1) - decoded.meta.r;
    }
    console.log('\nby key family (MEMORY USAGE, AFTER), per settlement:');
    for (const [name, f] of [...families].sort((a, b) => b[1].bytes - a[1].bytes)) {
      console.log(`  ${name.padEnd(42)} ${(f.bytes / settled).toFixed(0).padStart(6)} B   (${f.keys} keys)`);
    }
    // The same bytes by what they are for; the record's inputs tail takes its share of the records by stored length.
    const bytesOf = (...prefixes: string[]) => [...families].filter(([name]) => prefixes.some((p) => name.startsWith(`${p} `))).reduce((sum, [, f]) => sum + f.bytes, 0);
    const stlBytes = bytesOf('stl') + hashedBytes;
    const inputsShare = storedBytes > 0 ? inputsStored / storedBytes : 0;
    const kinds: [string, number][] = [
      ['settlement record (meta, answer; inputs too from v5)', stlBytes * (1 - inputsShare)],
      ['settlement inputs (own stream, before v5)', stlBytes * inputsShare],
      ['ledger entry (day entries, names, figures)', bytesOf('ledger', 'ledger-slots', 'ledger-day', 'ledger-figures', 'ledger-names', 'ledger-pending', 'ledger-outbox')],
      ['idempotency (idem field + requestId claim)', bytesOf('idem', 'req')],
      ['index (id index, year list, stays)', bytesOf('idx', 'stls', 'stays')],
      ['accumulators (person-year)', bytesOf('acc')],
      ['person hash (all of the person but the records)', bytesOf('person') - hashedBytes],
    ];
    const counted = kinds.reduce((sum, [, b]) => sum + b, 0);
    const all = [...families.values()].reduce((sum, f) => sum + f.bytes, 0);
    if (all - counted > 0.5) kinds.push(['other', all - counted]);
    console.log(`\nby kind, per settlement at ${PER_HOSPITAL_DAY} per hospital-day (MEMORY USAGE, AFTER; target ≤ 1,024 B in all):`);
    for (const [name, bytes] of kinds) console.log(`  ${name.padEnd(46)} ${(bytes / settled).toFixed(0).padStart(6)} B   ${((bytes / all) * 100).toFixed(0).padStart(3)} %`);
    console.log(`  ${'sum of MEMORY USAGE'.padEnd(46)} ${(all / settled).toFixed(0).padStart(6)} B`);
    console.log(
      `\nresponse JSON ${(responseBytes / records.length).toFixed(0)} B on average; stored record ${(storedBytes / records.length).toFixed(0)} B: ` +
        `meta line ${(metaStored / records.length).toFixed(0)} B, deflated answer (from v5 with its inputs, one stream) ${((storedBytes - metaStored - inputsStored) / records.length).toFixed(0)} B, inputs in a stream of their own ${(inputsStored / records.length).toFixed(0)} B`,
    );
    const sizes = records.map(({ record }) => record.length).sort((a, b) => a - b);
    const at = (q: number) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))]!;
    const over = (limit: number) => sizes.filter((size) => size > limit).length;
    const encodings = new Map<string, number>();
    for (const key of keys.filter((k) => k.startsWith('person:'))) {
      const encoding = String(await redis.object('ENCODING', key));
      encodings.set(encoding, (encodings.get(encoding) ?? 0) + 1);
    }
    console.log(
      `record sizes: p50 ${at(0.5)} B, p90 ${at(0.9)} B, p99 ${at(0.99)} B, max ${sizes.at(-1)} B; over 512 B: ${over(512)}, over 1,024 B: ${over(1024)} of ${sizes.length}; ` +
        `person hashes: ${[...encodings].map(([name, n]) => `${n} ${name}`).join(', ')}`,
    );

    // 4. Archived: what stays in Redis per settlement once its year is closed and archived.
    const settledBytes = (await usedMemory(redis as unknown as Redis)) - registryBytes;
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-memory-archive-'));
    try {
      const archiver = new YearArchiver(new ArchiveStore(redis), catalog);
      for (const year of [2018, 2019]) await archiver.archive({ year, outDir, now: new Date('2026-01-01T12:00:00+08:00') });
      // Measured as the open figure is: the keys left, copied into a fresh redis-server (the work Redis also holds its
      // own fixed costs by now: a latency histogram per command ever run, the script cache; ~200 B a settlement here).
      const workLeft = (await usedMemory(redis as unknown as Redis)) - registryBytes;
      const copy = await copyInto(redis as unknown as Redis, await scanAll(redis as unknown as Redis), null);
      servers.push(copy.server);
      copy.redis.disconnect();
      const left = copy.bytes;
      const leftFamilies = new Map<string, number>();
      for (const key of (await scanAll(redis as unknown as Redis)).filter((k) => !REGISTRY.test(k))) {
        leftFamilies.set(family(key), (leftFamilies.get(family(key)) ?? 0) + Number(await redis.memory('USAGE', key, 'SAMPLES', '0')));
      }
      console.log(
        `left after archiving, by key family (MEMORY USAGE per settlement): ${[...leftFamilies]
          .sort((a, b) => b[1] - a[1])
          .map(([name, bytes]) => `${name.slice(0, name.indexOf(' ') < 0 ? undefined : name.indexOf(' '))} ${(bytes / settled).toFixed(0)} B`)
          .join(', ')}`,
      );
      console.log(
        `\nafter archiving both years: ${(left / settled).toFixed(0)} B per settlement stay in Redis (target ≤ 400 B; the work Redis itself: ${(workLeft / settled).toFixed(0)} B, ${(settledBytes / settled).toFixed(0)} B before archiving), ` +
          `${((left / settled / rows[rows.length - 1]![1]) * 100).toFixed(0)} % of the open figure: accumulators, idempotency records, claims, id sets and older ids' index marks, archived day figures`,
      );
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
    after!.disconnect();
    redis.disconnect();
  } finally {
    for (const server of servers) await server.stop();
  }
}

await main();
