/**
 * What reverse-settlement-6.lua costs inside Redis, side by side: the script
 * of another git revision (--before, default main) reversing a version 4
 * record, and this tree's script reversing a version 4 and a version 5 record
 * (which it searches its stay and occupancy members for by id), an inpatient
 * one (a stay and an occupancy member) and an outpatient one (none), in a
 * person-year of two settlements. The calls go in blocks of each variant in
 * turn; a block's time is the server's own (INFO commandstats, EVALSHA's
 * usec), so the client's and the network's share is not in it. Printed,
 * never asserted.
 *
 *   npx tsx bench/reverse-script.ts [--reversals 3000] [--before main]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startRedis } from '../scripts/lib/redis-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { reversals: { type: 'string', default: '3000' }, before: { type: 'string', default: 'main' } } });
const N = Number(values.reversals);
const SCRIPTS = 'src/store/scripts';

/** A script with its includes, from a git revision or (rev null) this tree. */
function scriptAt(rev: string | null, file: string): string {
  const read = (p: string) => (rev === null ? readFileSync(path.join(ROOT, p), 'utf8') : execFileSync('git', ['show', `${rev}:${p}`], { cwd: ROOT, encoding: 'utf8' }));
  return read(`${SCRIPTS}/${file}`).replace(/^--#include ([a-z-]+\.lua)$/gm, (_, name: string) => read(`${SCRIPTS}/include/${name}`).trimEnd());
}

type Kind = 'inpatient' | 'outpatient';
const LINES: Record<4 | 5, Record<Kind, string>> = {
  4: {
    inpatient: '{"v":4,"d":{"a":"1","be":"4601567","bp":"1787145","cs":"2139288"},"st":"|PY-CITY||2019-08-04|2","oc":"18100|18112||PY-CITY","r":241}',
    outpatient: '{"v":4,"d":{"bp":"1561","op":"1561"},"r":200}',
  },
  5: { inpatient: '5 241 a1 be4601567 bp1787145 cs2139288', outpatient: '5 200 bp1561 op1561' },
};
const VARIANTS = [
  { name: `${values.before} script, v4 record`, rev: values.before, format: 4 },
  { name: 'this script, v4 record', rev: null, format: 4 },
  { name: 'this script, v5 record', rev: null, format: 5 },
] as const;

const server = await startRedis();
const redis = new Redis(server.url);
try {
  const shas = await Promise.all(VARIANTS.map((v) => redis.script('LOAD', scriptAt(v.rev, 'reverse-settlement-6.lua')) as Promise<string>));
  const body = randomBytes(400);
  const reversal = JSON.stringify({ at: '2019-09-01T00:00:00.000Z', reason: '重复结算', operator: { id: '0101', name: '林芳', keyId: 'billing-PY-CITY' } });
  /** A person-year of two settlements, X (the one reversed) and Y (an inpatient one that stays). */
  async function person(card: string, format: 4 | 5, kind: Kind): Promise<string[]> {
    const [x, y] = [`S-${card}-x`, `S-${card}-y`];
    const key = `person:{${card}}`;
    await redis.hset(key, {
      '2019|v': '2',
      '2019|a': '2',
      '2019|be': '9203134',
      '2019|bp': '3574290',
      '2019|cs': '4278576',
      '2019|op': '1561',
      's|2019': `${x} ${y}`,
      't|2019': `${kind === 'inpatient' ? `18112|${x}|PY-CITY||2019-08-04|2 ` : ''}18200|${y}|PY-TOWN||2019-11-01|3`,
      'o|': `21000 ${kind === 'inpatient' ? `18100|18112|${x}|PY-CITY ` : ''}18190|18200|${y}|PY-TOWN`,
      'PY-CITY:REQ-1': `9f86d081884c7d659a2feaa0c55ad015 ${x}`,
      'PY-TOWN:REQ-2': `60303ae22b998861bce3b28f33eec1be ${y}`,
      [`r|${x}`]: Buffer.concat([Buffer.from(`${LINES[format][kind]}\n`), body]),
      [`r|${y}`]: Buffer.concat([Buffer.from(`${LINES[format].inpatient}\n`), body]),
    });
    return [
      `stl:{${card}}:${x}`,
      `acc:{${card}}:2019`,
      'ledger-outbox:{0}',
      `stays:{${card}}:2019`,
      `occupancy:{${card}}`,
      key,
      reversal,
      `PY-CITY|2019-09-01|${x}:r`,
      '{"n":1}',
      x,
      '2019',
    ];
  }
  const calls: { variant: number; kind: Kind; args: string[] }[] = [];
  for (let i = 0; i < N; i++) {
    for (const kind of ['inpatient', 'outpatient'] as const) {
      for (let variant = 0; variant < VARIANTS.length; variant++) calls.push({ variant, kind, args: [] });
    }
  }
  for (const [i, call] of calls.entries()) call.args = await person(`${call.variant}${call.kind[0]}${i}`, VARIANTS[call.variant]!.format, call.kind);
  /** EVALSHA's total µs so far (INFO commandstats: the server's own time of each call, the client's not in it). */
  const evalshaMicros = async () => Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
  // Blocks of BLOCK calls of one variant and kind, the six in turn: each block's time is read before and after it.
  const micros = new Map<string, number[]>();
  const BLOCK = 50;
  for (let start = 0; start < calls.length; start += BLOCK * 6) {
    for (let lane = 0; lane < 6; lane++) {
      const block = calls.slice(start, start + BLOCK * 6).filter((_, i) => i % 6 === lane);
      if (block.length === 0) continue;
      const before = await evalshaMicros();
      for (const call of block) {
        const reply = (await redis.evalsha(shas[call.variant]!, 6, ...call.args)) as number[];
        if (reply[0] !== 1) throw new Error(`${VARIANTS[call.variant]!.name}: ${JSON.stringify(reply)}`);
      }
      const label = `${VARIANTS[block[0]!.variant]!.name}, ${block[0]!.kind}`;
      micros.set(label, [...(micros.get(label) ?? []), ((await evalshaMicros()) - before) / block.length]);
    }
  }
  const stat = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { n: sorted.length, median: sorted[Math.floor(sorted.length / 2)]!, mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
  };
  process.stdout.write(`reverse-settlement-6.lua, µs per call inside redis-server (INFO commandstats), ${N} of each, in interleaved blocks of ${BLOCK}\n`);
  for (const [label, list] of [...micros].sort()) {
    const s = stat(list);
    process.stdout.write(`  ${label.padEnd(44)} median block ${s.median.toFixed(1).padStart(5)} µs  mean ${s.mean.toFixed(1).padStart(5)} µs  (${s.n} blocks)\n`);
  }
} finally {
  redis.disconnect();
  await server.stop();
}
