/**
 * The HTTP part of bench:catalogue (a 2,000-line bill against a four-amount
 * settlement, sequential, built server + Redis), for two builds side by side:
 * each build gets its own server and Redis, and the rounds alternate between
 * them, so both see the same load on a shared machine. Prints each round's
 * ratios (mean latency, server CPU from /proc) per build, then the totals.
 *
 *   npx tsx bench/catalogue-ab.ts [--dist dist-before,dist] [--rounds 6]
 *   npx tsx bench/catalogue-ab.ts --dist 'dist,dist@--max-semi-space-size=64'   (node flags for one server,
 *       after the service's own, src/ops/node-flags.ts: a V8 flag given here wins)
 *   npx tsx bench/catalogue-ab.ts --dist dist --profile /tmp/lines.cpuprofile
 *       profiles 2,000-line settles only (distinct persons, no reversals;
 *       started after a warm-up, bench/lib/cpu-profile-on-signal.mjs)
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { DEMO_CATALOGUES, catalogueCsv, generateDemoCatalogue } from '../scripts/lib/demo-catalogue.js';
import { freePort, startRedis, type RedisServer } from '../scripts/lib/redis-server.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { billLines } from './lib/catalogue-bills.js';
import { processMinorFaults, processTreeCpuMs } from './lib/process-cpu.js';

/** VmRSS and VmHWM of one process, in MB, from /proc/<pid>/status. */
function residentMb(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(/(\d+) kB/.exec(status.split(`${field}:`)[1] ?? '')?.[1] ?? 0);
    return `${(kb('VmRSS') / 1024).toFixed(0)} MB, peak ${(kb('VmHWM') / 1024).toFixed(0)} MB`;
  } catch {
    return 'unknown';
  }
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist-before,dist' },
    rounds: { type: 'string', default: '6' },
    lines: { type: 'string', default: '2000' },
    profile: { type: 'string' },
    count: { type: 'string', default: '40' },
    amounts: { type: 'string', default: '40' },
    bills: { type: 'string', default: '5' },
  },
});
const LINES = Number(values.lines);
const ROWS = Number(process.env.BENCH_ROWS ?? 150_000);
const BIG_ID = 'zhejiang-2019-demo';
const say = (line: string) => process.stdout.write(`${line}\n`);
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

// The same catalogue and bills as bench/catalogue.ts.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-catalogue-ab-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const spec = DEMO_CATALOGUES.find((s) => s.id === BIG_ID)!;
const entries = generateDemoCatalogue({ ...spec, rows: ROWS - 10, seed: 20190101 });
writeFileSync(path.join(tmp, `${BIG_ID}.csv`), catalogueCsv(entries));
for (const other of DEMO_CATALOGUES) if (other.id !== BIG_ID) copyFileSync(path.join(ROOT, 'config/catalogues', `${other.id}.csv`), path.join(tmp, `${other.id}.csv`));
const usable = entries.filter((e) => e.validFrom === null && e.validTo === null);
const bill = (n: number, salt: number) => billLines(usable, n, salt);
const wire = (card: string, requestId: string, charges: unknown) =>
  JSON.stringify({ requestId, card, hospitalId: 'PY-COUNTY', visitType: 'inpatient', admissionDate: '2019-03-01', dischargeDate: '2019-03-10', charges });
const amountsBody = (card: string, id: string, i: number) =>
  wire(card, `A-${id}`, { total: `${12000 + i}.67`, fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' });
const linesBody = (card: string, id: string, i: number) => wire(card, `L-${id}`, { lines: bill(LINES, i) });

const adminKey = generateKey();
const billingKey = generateKey();
const keysFile = path.join(tmp, 'keys.json');
writeFileSync(
  keysFile,
  JSON.stringify([
    { id: 'ops', role: 'admin', sha256: sha256Hex(adminKey) },
    { id: 'py', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(billingKey) },
  ]),
);
const admin = { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
const billing = { Authorization: `Bearer ${billingKey}`, 'Content-Type': 'application/json' };

interface Server {
  label: string;
  base: string;
  pid: number;
  redis: RedisServer;
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/** `dist` or `dist@--flag,--other-flag`: a build, and node flags for its server. */
async function startServer(spec: string, profileFile?: string): Promise<Server> {
  const [dist = spec, flags = ''] = spec.split('@');
  const redis = await startRedis();
  const port = await freePort();
  const preload = profileFile ? ['--import', path.join(ROOT, 'bench/lib/cpu-profile-on-signal.mjs')] : [];
  const child = spawn(process.execPath, serviceNodeArgs(path.join(ROOT, dist, 'server.js'), [...flags.split(',').filter(Boolean), ...preload]), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      REDIS_URL: redis.url,
      API_KEYS_FILE: keysFile,
      CATALOGUE_DIR: tmp,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_RPS: '0',
      METRICS_PORT: '0',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      CPU_PROFILE_FILE: profileFile ?? '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A bench that dies leaves no server or Redis behind.
  process.on('exit', () => {
    child.kill('SIGKILL');
    redis.process.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${dist}: server exited ${child.exitCode}`);
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await fetch(`${base}/v1/hospitals/PY-COUNTY`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true }),
  });
  return {
    label: spec,
    base,
    pid: child.pid!,
    redis,
    kill: (signal) => child.kill(signal),
    stop: async () => {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await redis.stop();
    },
  };
}

async function enrol(server: Server, card: string): Promise<void> {
  const res = await fetch(`${server.base}/v1/enrollees/${card}`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ region: 'pingyang', sex: 'F', birthDate: '1970-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] }),
  });
  if (res.status >= 300) throw new Error(`enrol ${res.status}`);
}

/** One request; a settlement is reversed afterwards, untimed, as bench/catalogue.ts does. */
async function post(server: Server, url: string, body: string, reverse = true): Promise<{ ms: number; cpu: number; faults: number }> {
  const cpuBefore = processTreeCpuMs(server.pid) ?? 0;
  const faultsBefore = processMinorFaults(server.pid) ?? 0;
  const started = process.hrtime.bigint();
  const res = await fetch(`${server.base}${url}`, { method: 'POST', headers: billing, body });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${server.label} ${res.status} ${text.slice(0, 200)}`);
  const took = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = (processTreeCpuMs(server.pid) ?? 0) - cpuBefore;
  const faults = (processMinorFaults(server.pid) ?? 0) - faultsBefore;
  if (url === '/v1/settlements' && reverse) {
    const { settlementId } = JSON.parse(text) as { settlementId: string };
    const undone = await fetch(`${server.base}/v1/settlements/${settlementId}/reversal`, { method: 'POST', headers: billing, body: '{}' });
    if (undone.status >= 300) throw new Error(`reversal ${undone.status}`);
  }
  return { ms: took, cpu, faults };
}

const CARD = 'BENCHCAT1';
let sequence = 0;

if (values.profile) {
  const profileFile = path.resolve(values.profile);
  rmSync(profileFile, { force: true });
  const server = await startServer(values.dist.split(',')[0]!, profileFile);
  const count = Number(values.count);
  const cards = Array.from({ length: count + 5 }, (_, i) => `BENCHPROF${i}`);
  for (const card of cards) await enrol(server, card);
  const bodies = cards.map((card, i) => linesBody(card, `P${i}`, i));
  for (let i = 0; i < 5; i++) await post(server, '/v1/settlements', bodies[count + i]!, false); // warm-up
  server.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
  const times: number[] = [];
  let cpu = 0;
  let faults = 0;
  for (let i = 0; i < count; i++) {
    const r = await post(server, '/v1/settlements', bodies[i]!, false);
    times.push(r.ms);
    cpu += r.cpu;
    faults += r.faults;
  }
  server.kill('SIGUSR2');
  while (!existsSync(profileFile)) await new Promise((r) => setTimeout(r, 100));
  say(
    `profiled ${count} settles of ${LINES} lines: mean ${avg(times).toFixed(1)} ms, server CPU ${(cpu / count).toFixed(1)} ms and ${Math.round(faults / count)} page faults each → ${profileFile}`,
  );
  await server.stop();
} else {
  const dists = values.dist.split(',');
  const servers: Server[] = [];
  for (const dist of dists) {
    const server = await startServer(dist);
    await enrol(server, CARD);
    servers.push(server);
  }
  type Tally = { ms: number[]; cpu: number; faults: number };
  const fresh = (): Record<string, Tally> => ({
    pa: { ms: [], cpu: 0, faults: 0 },
    pl: { ms: [], cpu: 0, faults: 0 },
    sa: { ms: [], cpu: 0, faults: 0 },
    sl: { ms: [], cpu: 0, faults: 0 },
  });
  const totals = new Map(servers.map((s) => [s.label, fresh()]));
  // One block per server and round: --amounts four-amount and --bills line requests of each kind, the bench's 300 and 40 in small blocks.
  const amounts = Number(values.amounts);
  const bills = Number(values.bills);
  const block = async (server: Server, tally: Record<string, Tally>, warm: boolean) => {
    const run = async (key: string, url: string, n: number, make: (id: string, i: number) => string) => {
      for (let i = 0; i < n; i++) {
        const id = `${server.label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 30)}-${sequence++}`;
        const r = await post(server, url, make(id, sequence));
        if (warm) continue;
        tally[key]!.ms.push(r.ms);
        tally[key]!.cpu += r.cpu;
        tally[key]!.faults += r.faults;
      }
    };
    await run('pa', '/v1/settlements/preview', amounts, (id, i) => amountsBody(CARD, id, i));
    await run('pl', '/v1/settlements/preview', bills, (id, i) => linesBody(CARD, id, i));
    await run('sa', '/v1/settlements', amounts, (id, i) => amountsBody(CARD, id, i));
    await run('sl', '/v1/settlements', bills, (id, i) => linesBody(CARD, id, i));
  };
  const ratios = (t: Record<string, Tally>) => {
    const r = (a: Tally, l: Tally) =>
      `${(avg(l.ms) / avg(a.ms)).toFixed(1)}× (${avg(a.ms).toFixed(2)} vs ${avg(l.ms).toFixed(1)} ms; CPU ${(l.cpu / l.ms.length / (a.cpu / a.ms.length)).toFixed(1)}×)`;
    return `preview ${r(t.pa!, t.pl!)}, settle ${r(t.sa!, t.sl!)}`;
  };
  for (const server of servers) await block(server, fresh(), true);
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      const tally = fresh();
      await block(server, tally, false);
      const total = totals.get(server.label)!;
      for (const key of Object.keys(tally)) {
        total[key]!.ms.push(...tally[key]!.ms);
        total[key]!.cpu += tally[key]!.cpu;
        total[key]!.faults += tally[key]!.faults;
      }
      say(`round ${round + 1} ${server.label}: ${ratios(tally)}`);
    }
  }
  for (const server of servers) say(`all rounds ${server.label}: ${ratios(totals.get(server.label)!)}`);
  // Medians and server CPU per request: a stall on a shared machine moves a mean, seldom a median.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const server of servers) {
    const t = totals.get(server.label)!;
    const one = (x: Tally) => `p50 ${median(x.ms).toFixed(1)} ms, CPU ${(x.cpu / x.ms.length).toFixed(1)} ms, ${Math.round(x.faults / x.ms.length)} page faults`;
    say(`all rounds ${server.label}: settle four amounts ${one(t.sa!)}; bill ${one(t.sl!)}; p50 ratio ${(median(t.sl!.ms) / median(t.sa!.ms)).toFixed(1)}×`);
  }
  // Resident memory under the bill load: now, and the peak (VmHWM) since start.
  for (const server of servers) say(`all rounds ${server.label}: server RSS ${residentMb(server.pid)}`);
  for (const server of servers) await server.stop();
}
say(
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; node ${process.version}`,
);
