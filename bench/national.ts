/**
 * The national platform's 2304 against the native settlement of the same bill
 * (target: adapter/native ≥ 0.90 in settlements a second), printed,
 * never asserted. The built service on a private Redis; each side settles the
 * same six-line bill (worked example P-PY-1) for persons of its own, with the
 * same concurrency, in alternating rounds. The adapter's stays are admitted,
 * uploaded (2301) and discharged beforehand: only the 2304 is timed, as the
 * native POST /v1/settlements is.
 *
 *   npm run bench:national                     (--rounds 8 --per-round 400 --concurrency 16 --warm-up 300)
 *   npm run bench:national -- --instructions --rounds 4 --per-round 250 --warm-up 1500   (counted by callgrind)
 *
 * Eight rounds of 400 (about 25 s in all): with four of 300 (half a second
 * each) one compaction or collection moved a side's median by a tenth.
 *
 * Time on this shared 2-core machine moves the ratio by a tenth between runs
 * of one build; `--instructions` counts instead (bench/instructions.ts): the
 * service under callgrind, counting on only inside each round (its day
 * ledgers' compaction waited for inside it), instructions per settlement and
 * their ratio. Instructions are not time (a syscall or a cache miss weighs
 * more than an add): it compares builds and cuts; the time ratio stays the target's.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { LosslessNumber, stringify } from 'lossless-json';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { DEMO_BILL } from '../scripts/lib/demo-catalogue.js';
import { freePort, startRedis } from '../scripts/lib/redis-server.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { callgrindIn, VGDB_ENV } from './lib/callgrind.js';
import { ledgerDrained } from './lib/ledger-drained.js';
import { processTreeCpuMs } from './lib/process-cpu.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '8' },
    'per-round': { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '16' },
    'warm-up': { type: 'string', default: '300' },
    instructions: { type: 'boolean', default: false },
  },
});
const COUNTED = values.instructions;
const ROUNDS = Number(values.rounds);
const PER_ROUND = Number(values['per-round']);
const CONCURRENCY = Number(values.concurrency);
/** Settlements per side made untimed before the rounds: the JIT, and the ledger compaction every later round carries, then weigh on neither side's first round. */
const WARM_UP = Number(values['warm-up']);
const CODE = 'H33032600001';
const n = (text: string) => new LosslessNumber(text);

const admin = generateKey();
const billing = generateKey();
const keysFile = path.join(os.tmpdir(), `bench-national-keys-${process.pid}.json`);
writeFileSync(
  keysFile,
  JSON.stringify([
    { id: 'ops', role: 'admin', sha256: sha256Hex(admin) },
    { id: 'billing-PY-COUNTY', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(billing) },
  ]),
);

const redis = await startRedis();
const port = await freePort();
const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-national-'));
const callgrind = callgrindIn(outDir);
const serviceArgs = serviceNodeArgs(path.join(root, 'dist/server.js'), process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean));
// BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the service. Load shedding and the Redis deadline
// are relaxed alike for both sides: a shared machine's stalls must not end the run.
const server = spawn(COUNTED ? 'valgrind' : process.execPath, COUNTED ? callgrind.args(serviceArgs) : serviceArgs, {
  cwd: root,
  env: {
    ...(COUNTED ? VGDB_ENV : {}),
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    REDIS_URL: redis.url,
    API_KEYS_FILE: keysFile,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_RPS: '0',
    METRICS_PORT: '0',
    MAX_IN_FLIGHT: '0',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // valgrind runs every thread in turn: a native run's deadline would fail its commands.
    REDIS_TIMEOUT_MS: COUNTED ? '60000' : '5000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (
    await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > (COUNTED ? 6000 : 300)) throw new Error('service did not start');
  await new Promise((r) => setTimeout(r, 50));
}

async function call(pathname: string, key: string, body: string, method = 'POST'): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${pathname}`, { method, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

let seq = 0;
function envelope(infno: string, input: unknown): string {
  return stringify({
    infno,
    msgid: `${CODE}20261124${String(++seq).padStart(10, '0')}`,
    infver: 'V1.0',
    opter_type: '1',
    opter: '0123',
    opter_name: '收费员',
    inf_time: '2026-11-24 10:00:00',
    fixmedins_code: CODE,
    fixmedins_name: '平阳县人民医院',
    sign_no: '',
    input,
  })!;
}
async function hsa(infno: string, input: unknown): Promise<any> {
  const res = await call('/hsa/v1', billing, envelope(infno, input));
  const parsed = JSON.parse(res.text) as { infcode: number; err_msg: string | null; output: any };
  if (parsed.infcode !== 0) throw new Error(`${infno}: ${parsed.err_msg}`);
  return parsed.output;
}

/** A setup write that did not land would turn the timed settlements into refusals: stop with its answer. */
async function setup(pathname: string, body: string): Promise<void> {
  const res = await call(pathname, admin, body, 'PUT');
  if (res.status < 200 || res.status > 299) throw new Error(`setup PUT ${pathname} answered ${res.status}: ${res.text.slice(0, 500)}`);
}

await setup('/v1/hospitals/PY-COUNTY', JSON.stringify({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true, fixmedinsCode: CODE }));
const enrollee = JSON.stringify({ region: 'pingyang', sex: 'M', birthDate: '1970-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] });

async function pool<T>(items: T[], work: (item: T) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i]!);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

// Setup, untimed: persons for both sides, and the adapter's stays admitted, uploaded and discharged.
const native: string[] = [];
const stays: { card: string; mdtrtId: string }[] = [];
const total = ROUNDS * PER_ROUND;
await pool(
  Array.from({ length: total + WARM_UP }, (_, i) => i),
  async (i) => {
    await setup(`/v1/enrollees/BNN${i}`, enrollee);
    native.push(`BNN${i}`);
    const card = `BNA${i}`;
    await setup(`/v1/enrollees/${card}`, enrollee);
    const admitted = await hsa('2401', {
      mdtrtinfo: { psn_no: card, insutype: '390', med_type: '21', begntime: '2019-03-01 08:00:00', mdtrt_cert_type: '03', mdtrt_cert_no: card },
      diseinfo: [],
    });
    const mdtrtId = admitted.result.mdtrt_id as string;
    await hsa('2301', {
      feedetail: DEMO_BILL.map((l) => ({
        feedetl_sn: l.lineId,
        mdtrt_id: mdtrtId,
        psn_no: card,
        fee_ocur_time: l.time.replace('T', ' '),
        med_list_codg: l.code,
        medins_list_codg: l.hospitalCode,
        det_item_fee_sumamt: n(l.amount),
        cnt: n(l.quantity),
        pric: n(l.unitPrice),
      })),
    });
    await hsa('2402', { dscginfo: { mdtrt_id: mdtrtId, psn_no: card, endtime: '2019-03-10 10:00:00', dscg_way: '1' } });
    stays.push({ card, mdtrtId });
  },
);

const nativeBody = (card: string, i: number) =>
  JSON.stringify({
    requestId: `N-${i}`,
    card,
    hospitalId: 'PY-COUNTY',
    visitType: 'inpatient',
    admissionDate: '2019-03-01',
    dischargeDate: '2019-03-10',
    charges: { lines: DEMO_BILL },
    operator: { id: '0123', name: '收费员' },
  });
const settleData = (stay: { card: string; mdtrtId: string }) => ({
  psn_no: stay.card,
  mdtrt_cert_type: '03',
  mdtrt_cert_no: stay.card,
  medfee_sumamt: n('12345.67'),
  psn_setlway: '01',
  mdtrt_id: stay.mdtrtId,
  insutype: '390',
  acct_used_flag: '0',
  mid_setl_flag: '0',
  fulamt_ownpay_amt: n('300.00'),
  overlmt_selfpay: n('0.00'),
  preselfpay_amt: n('120.00'),
  inscp_scp_amt: n('11925.67'),
});

// Bodies are built before the clock starts, and answers are checked without parsing, on both sides alike:
// the load driver shares the two cores with the service and Redis, so its own work must not differ by side.
const nativeBodies = new Map(native.map((card, i) => [card, nativeBody(card, i)]));
const adapterBodies = new Map(stays.map((stay) => [stay, envelope('2304', { data: settleData(stay) })]));

const settleNative = async (card: string) => {
  const res = await call('/v1/settlements', billing, nativeBodies.get(card)!);
  if (res.status !== 201) throw new Error(`native ${res.status} ${res.text.slice(0, 200)}`);
};
const settleAdapter = async (stay: { card: string; mdtrtId: string }) => {
  const res = await call('/hsa/v1', billing, adapterBodies.get(stay)!);
  if (res.status !== 200 || !res.text.startsWith('{"infcode":0,')) throw new Error(`2304 ${res.status} ${res.text.slice(0, 200)}`);
};
await pool(native.splice(0, WARM_UP), settleNative);
await pool(stays.splice(0, WARM_UP), settleAdapter);

const say = (line: string) => process.stdout.write(`${line}\n`);
type Side = 'native' | 'adapter';
/** The rounds, the sides alternating which goes first; `measure` wraps each side's round, whose settlements `settle` makes (answering the seconds they took). */
async function alternatingRounds(measure: (side: Side, settle: () => Promise<number>) => Promise<void>): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const slice = <T>(list: T[]) => list.slice(round * PER_ROUND, (round + 1) * PER_ROUND);
    for (const side of round % 2 === 0 ? (['native', 'adapter'] as const) : (['adapter', 'native'] as const)) {
      await measure(side, () => (side === 'native' ? pool(slice(native), settleNative) : pool(slice(stays), settleAdapter)));
    }
  }
}
if (COUNTED) {
  // Counting on only inside each round (its settlements' ledger compaction waited for inside it too), the sides alternating.
  const ledger = new Redis(redis.url);
  const control = (args: string[]) => callgrind.control(server.pid!, args, () => fetch(`${base}/healthz`));
  await ledgerDrained(ledger);
  const sides: Side[] = [];
  await alternatingRounds(async (side, settle) => {
    await control(['-i', 'on']);
    await settle();
    await ledgerDrained(ledger);
    await control(['-i', 'off']);
    await control(['-d']);
    sides.push(side);
  });
  ledger.disconnect();
  const counted = { native: [] as number[], adapter: [] as number[] };
  callgrind.dumpedTotals(server.pid!).forEach((total, i) => counted[sides[i]!].push(total / PER_ROUND));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [nativeCount, adapterCount] = [mean(counted.native), mean(counted.adapter)];
  const rounds = (xs: number[]) => xs.map((x) => (x / 1e6).toFixed(2)).join(', ');
  if (!(nativeCount > 0 && adapterCount > 0)) throw new Error('callgrind counted nothing');
  say(
    `2304 through /hsa/v1 against POST /v1/settlements, the same 6-line bill, under callgrind: ${ROUNDS} alternating rounds of ${PER_ROUND}, concurrency ${CONCURRENCY}, ${WARM_UP} untimed first per side:`,
  );
  say(`  native  ${(nativeCount / 1e6).toFixed(3)} M instructions per settlement (rounds: ${rounds(counted.native)})`);
  say(`  adapter ${(adapterCount / 1e6).toFixed(3)} M instructions per settlement (rounds: ${rounds(counted.adapter)}), ${((adapterCount - nativeCount) / 1e3).toFixed(0)} k more`);
  say(`  ratio native/adapter: ${(nativeCount / adapterCount).toFixed(3)} in instructions (the target, ≥ 0.90, is in settlements a second)`);
} else {
  const rates = { native: [] as number[], adapter: [] as number[] };
  const cpu = { native: 0, adapter: 0 };
  /** Server CPU ms of each side's rounds, in round order: a round's two sides ran back to back. */
  const roundCpu = { native: [] as number[], adapter: [] as number[] };
  await alternatingRounds(async (side, settle) => {
    const cpuBefore = processTreeCpuMs(server.pid!) ?? 0;
    const seconds = await settle();
    const spent = (processTreeCpuMs(server.pid!) ?? 0) - cpuBefore;
    cpu[side] += spent;
    roundCpu[side].push(spent);
    rates[side].push(PER_ROUND / seconds);
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  say(
    `2304 through /hsa/v1 against POST /v1/settlements, the same 6-line bill, ${ROUNDS} alternating rounds of ${PER_ROUND}, concurrency ${CONCURRENCY}, ${WARM_UP} untimed first per side:`,
  );
  say(
    `  native  ${median(rates.native).toFixed(0)} settlements/s  (rounds: ${rates.native.map((r) => r.toFixed(0)).join(', ')}), server CPU ${((cpu.native * 1000) / total).toFixed(0)} µs each`,
  );
  say(
    `  adapter ${median(rates.adapter).toFixed(0)} settlements/s  (rounds: ${rates.adapter.map((r) => r.toFixed(0)).join(', ')}), server CPU ${((cpu.adapter * 1000) / total).toFixed(0)} µs each`,
  );
  say(
    `  ratio adapter/native: ${(median(rates.adapter) / median(rates.native)).toFixed(2)} in settlements/s, ${(cpu.native / cpu.adapter).toFixed(2)} in server CPU (target ≥ 0.90)`,
  );
  // Each round's two sides ran back to back: their ratio leaves out what drifts between rounds (a neighbour, a collection of the whole heap).
  const paired = (of: { native: number[]; adapter: number[] }, ratio: (native: number, adapter: number) => number) => median(of.native.map((n, i) => ratio(n, of.adapter[i]!)));
  say(`  the same, median of the rounds' own ratios: ${paired(rates, (n, a) => a / n).toFixed(2)} in settlements/s, ${paired(roundCpu, (n, a) => n / a).toFixed(2)} in server CPU`);
}
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
await redis.stop();
if (process.env.KEEP) say(`callgrind's dumps kept in ${outDir}`);
else rmSync(outDir, { recursive: true, force: true });
process.exit(0);
