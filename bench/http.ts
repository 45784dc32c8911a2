/**
 * HTTP benchmark of settlements (POST /v1/settlements, every request a new
 * settlement), driven by autocannon against the built service on a private
 * Redis.
 *
 *   npm run bench:http                 the service alone
 *   npm run bench                      the service against both floors,
 *                                      alternating: the project's floor
 *                                      (bench/floor-server.ts: Express + ioredis,
 *                                      the service's round trips, no rules) and
 *                                      the minimal floor (bench/floor-minimal.ts:
 *                                      one read, one Lua commit), with server
 *                                      CPU per request and the ratios; then
 *                                      fixed-rate runs at 1,000 req/s evenly
 *                                      spaced (open loop)
 *   npm run bench -- --workers 2       both with WORKERS=2
 *   npm run bench -- --cluster         both over a 3-master Redis Cluster
 *   npm run bench -- --baseline dist-before   (or dist-before@--max-semi-space-size=16: node flags for it alone)
 *                                      also a second service built from other code
 *                                      (its dist/ copied to dist-before/ in the repo,
 *                                      where its imports resolve), driven between the
 *                                      others in every round on the same Redis and
 *                                      persons: CPU per request after/before
 *   options: --duration <s> (default 5) --rounds <n> (default 2)
 *            --connections <n> (default 32) --rate <req/s> (default 1000) --no-floor
 *            --rate-limit <req/s per key> (default 0: off; a high value measures the limiter's cost)
 *            --same-rate <req/s> (default auto: 60 % of the service's saturated rate) for the
 *            CPU per request of the three servers at one and the same rate
 *   BENCH_NODE_ARGS='--max-semi-space-size=16' npm run bench
 *                                      more node flags for the service and both floors,
 *                                      after the service's own (src/ops/node-flags.ts)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { startRedisCluster } from '../scripts/lib/redis-cluster.js';
import { freePort, startRedis } from '../scripts/lib/redis-server.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { type EqualRateTarget, equalRateCpu, median } from './lib/equal-rate.js';
import { pacedLoad, type PacedLoadResult } from './lib/paced-load.js';
import { idleCpuMsPerSecond, ledgerDrained } from './lib/ledger-drained.js';
import { processTreeCpuMs } from './lib/process-cpu.js';
import { MAX_REFUSED_SHARE, PERSONS, registerWorkload, settlementBodies, statusCodes } from './lib/settlement-workload.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    floor: { type: 'boolean', default: false },
    'no-floor': { type: 'boolean', default: false },
    workers: { type: 'string', default: '1' },
    cluster: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    rate: { type: 'string', default: '1000' },
    'rate-limit': { type: 'string', default: '0' },
    baseline: { type: 'string' },
    'same-rate': { type: 'string', default: 'auto' },
  },
});
const withFloor = values.floor && !values['no-floor'];
const workers = values.workers;
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const fixedRate = Number(values.rate);
/** The one rate of the comparison at equal load, as a share of the service's saturated rate: below every server's capacity. */
const SAME_RATE_SHARE = 0.6;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`${url} not ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The service and the floors alike run under the service's node flags (src/ops/node-flags.ts), then BENCH_NODE_ARGS, then `extra` (a later V8 flag wins). */
function spawnProcess(script: string, env: Record<string, string>, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, serviceNodeArgs(script, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...extra]), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

interface Run {
  target: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** answers and failed requests: the denominator of the refused share */
  answered: number;
  /** CPU of the server's processes per answered request, µs (null without /proc) */
  cpuPerRequest: number | null;
  /** Redis commands per answered request by command, script calls and the commands inside them alike (null over a cluster) */
  commandsPerRequest: Map<string, number> | null;
}

/** Calls so far per command (INFO commandstats); the runs are one at a time, so a difference is one server's. */
let commandStats: (() => Promise<Map<string, number>>) | null = null;
/** Until the services' background compaction is done (one Redis server; a cluster's runs are not waited for). */
let drained: (() => Promise<{ waitedMs: number; sent: Map<string, number> }>) | null = null;
/** Each server's CPU a second while idle, by pid (taken off the waits for its compaction). */
const idleRates = new Map<number, number>();

function perRequest(before: Map<string, number>, after: Map<string, number>, requests: number): Map<string, number> {
  const result = new Map<string, number>();
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta / requests >= 0.05 && command !== 'info') result.set(command, delta / requests);
  }
  return result;
}

function commandsLine(commands: Map<string, number>): string {
  const total = [...commands.values()].reduce((sum, n) => sum + n, 0);
  return `${total.toFixed(1)} (${[...commands]
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n.toFixed(1)}`)
    .join(', ')})`;
}

/** Stops the benchmark when a run's answers are not settlements: its CPU per request would mix refusals in. */
function checkAnswers(target: string, answered: number, refused: number, codes: string): void {
  if (refused / Math.max(1, answered) > MAX_REFUSED_SHARE) {
    throw new Error(
      `${target}: ${refused} of ${answered} answers not 2xx (${codes}); over ${MAX_REFUSED_SHARE * 100} % the figures measure refusals, not settlements, so no ratio is printed`,
    );
  }
}

/** Command counts less those the bench sent itself. */
function withoutSent(calls: Map<string, number>, sent: Map<string, number> | null): Map<string, number> {
  for (const [name, n] of sent ?? []) calls.set(name, (calls.get(name) ?? 0) - n);
  return calls;
}

async function drive(
  target: string,
  base: string,
  key: string,
  next: () => string,
  options: { seconds: number; connections: number; pid?: number | undefined; warmUp?: boolean; drain?: boolean },
): Promise<Run> {
  const cpuBefore = options.pid ? processTreeCpuMs(options.pid) : null;
  const commandsBefore = commandStats ? await commandStats() : null;
  const result = await autocannon({
    url: base,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/settlements',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        setupRequest: (request) => ({ ...request, body: next() }),
      },
    ],
  });
  // A service's CPU includes its background compaction of this run's ledger entries (bench/lib/ledger-drained.ts).
  const drain = options.drain && drained ? await drained() : null;
  const idleCpuMs = drain && options.pid ? ((idleRates.get(options.pid) ?? 0) * drain.waitedMs) / 1000 : 0;
  if (result.non2xx > 0) say(`  ${target}: status codes ${statusCodes(result)}`);
  const answered = result.requests.total + result.errors + result.timeouts;
  // A warm-up's figures are not used: a service still compiling may shed (503) there.
  if (!options.warmUp) checkAnswers(target, answered, result.non2xx + result.errors + result.timeouts, statusCodes(result));
  return {
    target,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    answered,
    cpuPerRequest: cpuBefore === null ? null : ((processTreeCpuMs(options.pid!)! - cpuBefore - idleCpuMs) * 1000) / Math.max(1, result.requests.total),
    commandsPerRequest:
      commandsBefore && commandStats ? perRequest(commandsBefore, withoutSent(await commandStats(), drain?.sent ?? null), Math.max(1, result.requests.total)) : null,
  };
}

function row(run: Run): string {
  return `${run.target.padEnd(16)} ${run.rps.toFixed(0).padStart(7)} req/s   p50 ${String(run.p50).padStart(4)} ms   p90 ${String(run.p90).padStart(4)} ms   p99 ${String(run.p99).padStart(4)} ms   non-2xx ${run.non2xx}   errors ${run.errors}${run.cpuPerRequest === null ? '' : `   server CPU ${run.cpuPerRequest.toFixed(0)} µs/req`}`;
}

async function main(): Promise<void> {
  const redis = values.cluster ? await startRedisCluster() : await startRedis();
  const redisEnv: Record<string, string> = 'nodes' in redis ? { REDIS_CLUSTER_NODES: redis.nodes } : { REDIS_URL: redis.url };
  const redisLabel = 'nodes' in redis ? `redis cluster ${redis.nodes} (3 masters, ` : `redis-server ${redis.url} (`;
  const children: ChildProcess[] = [];
  const statsClient = 'nodes' in redis ? null : new Redis(redis.url);
  if (statsClient) {
    drained = () => ledgerDrained(statsClient);
    commandStats = async () => {
      const calls = new Map<string, number>();
      for (const match of (await statsClient.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
      return calls;
    };
  }
  const cleanup = async () => {
    statsClient?.disconnect();
    for (const child of children) child.kill('SIGTERM');
    await redis.stop();
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const adminKey = generateKey();
    const billingKey = generateKey();
    const keysFile = path.join(os.tmpdir(), `bench-keys-${process.pid}.json`);
    writeFileSync(
      keysFile,
      JSON.stringify([
        { id: 'bench-admin', role: 'admin', sha256: sha256Hex(adminKey) },
        { id: 'bench-billing', role: 'billing', hospitalId: 'PY-COUNTY', sha256: sha256Hex(billingKey) },
      ]),
    );
    // `dir@--flag,--other`: a build and node flags for its server alone, as in bench/catalogue-ab.ts.
    const startService = (spec: string, port: number) => {
      const [dist = spec, flags = ''] = spec.split('@');
      return spawnProcess(
        path.join(path.resolve(root, dist), 'server.js'),
        {
          PORT: String(port),
          HOST: '127.0.0.1',
          ...redisEnv,
          API_KEYS_FILE: keysFile,
          LOG_LEVEL: 'info',
          WORKERS: workers,
          // One key at thousands a second is a benchmark, not a hospital: the per-key limit is off unless --rate-limit
          // raises it. Load shedding keeps its defaults (the connections stay far below MAX_IN_FLIGHT), so its cost is in the figures.
          RATE_LIMIT_RPS: values['rate-limit'],
          METRICS_PORT: '0',
        },
        flags.split(',').filter(Boolean),
      );
    };
    const servicePort = await freePort();
    const service = startService('dist', servicePort);
    children.push(service);
    const serviceBase = `http://127.0.0.1:${servicePort}`;
    await waitReady(`${serviceBase}/readyz`);
    let baselineBase: string | null = null;
    let baselinePid: number | undefined;
    if (values.baseline) {
      const port = await freePort();
      const baseline = startService(values.baseline, port);
      children.push(baseline);
      baselineBase = `http://127.0.0.1:${port}`;
      baselinePid = baseline.pid;
      await waitReady(`${baselineBase}/readyz`);
    }

    const startFloor = async (script: string): Promise<{ base: string; pid: number | undefined }> => {
      const port = await freePort();
      const floor = spawnProcess(path.join(root, script), { PORT: String(port), ...redisEnv, WORKERS: workers }, ['--import', 'tsx']);
      children.push(floor);
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 20_000;
      while (
        !(await fetch(`${base}/`).then(
          () => true,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error(`${script} not up`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return { base, pid: floor.pid };
    };
    let floorBase: string | null = null;
    let floorPid: number | undefined;
    let minimalBase: string | null = null;
    let minimalPid: number | undefined;
    if (withFloor) {
      ({ base: floorBase, pid: floorPid } = await startFloor('bench/floor-server.ts'));
      ({ base: minimalBase, pid: minimalPid } = await startFloor('bench/floor-minimal.ts'));
    }

    // Registry: three in-area hospitals, PERSONS enrollees across the three regions; every answer checked.
    await registerWorkload(serviceBase, adminKey);
    // Billing keys are scoped to one hospital; the bench settles at three, so it uses the admin key (same auth cost).
    const key = adminKey;
    // One body factory per server for the whole run: a person's stays on one server never overlap.
    const stamp = Date.now();
    const bodies = { service: settlementBodies(`service-${stamp}`), floor: settlementBodies(`floor-${stamp}`), minimal: settlementBodies(`minimal-${stamp}`) };

    say(
      `settlement HTTP benchmark — node ${process.version}, ${os.cpus().length} cores, WORKERS=${workers}, ${connections} connections, ${duration} s per run, ${PERSONS} persons, RATE_LIMIT_RPS=${values['rate-limit']}`,
    );
    say(`${redisLabel}no persistence), service ${serviceBase}${floorBase ? `, project floor ${floorBase}, minimal floor ${minimalBase}` : ''}; every request is a new settlement`);
    await drive('warm-up service', serviceBase, key, bodies.service, { seconds: 2, connections, warmUp: true, drain: true });
    // The baseline settles the same persons: it takes its bodies from the service's factory, so their stays never overlap.
    if (baselineBase) await drive('warm-up baseline', baselineBase, key, bodies.service, { seconds: 2, connections, warmUp: true, drain: true });
    if (floorBase) await drive('warm-up floor', floorBase, key, bodies.floor, { seconds: 2, connections, warmUp: true });
    if (minimalBase) await drive('warm-up minimal', minimalBase, key, bodies.minimal, { seconds: 2, connections, warmUp: true });
    // What a service spends idle, taken off its waits for its compaction (bench/lib/ledger-drained.ts).
    if (drained) {
      for (const pid of [service.pid, baselinePid]) if (pid) idleRates.set(pid, await idleCpuMsPerSecond(pid));
      say(`idle server CPU, taken off each service run's wait for its ledger compaction: ${[...idleRates.values()].map((rate) => `${rate.toFixed(1)} ms/s`).join(', ')}`);
    }

    const runs: Run[] = [];
    for (let round = 1; round <= rounds; round++) {
      // With a baseline the two alternate which goes first (A B, B A, …): the second slot of a round measured dearer in an A/A run.
      const pair = [
        async () => {
          const s = await drive(`service #${round}`, serviceBase, key, bodies.service, { seconds: duration, connections, pid: service.pid, drain: true });
          say(row(s));
          runs.push(s);
        },
        async () => {
          if (!baselineBase) return;
          const b = await drive(`baseline #${round}`, baselineBase, key, bodies.service, { seconds: duration, connections, pid: baselinePid, drain: true });
          say(row(b));
          runs.push(b);
        },
      ];
      for (const run of round % 2 === 1 ? pair : pair.reverse()) await run();
      if (floorBase) {
        const f = await drive(`floor #${round}`, floorBase, key, bodies.floor, { seconds: duration, connections, pid: floorPid });
        say(row(f));
        runs.push(f);
      }
      if (minimalBase) {
        const m = await drive(`minimal #${round}`, minimalBase, key, bodies.minimal, { seconds: duration, connections, pid: minimalPid });
        say(row(m));
        runs.push(m);
      }
    }
    const mean = (prefix: string, pick: (r: Run) => number) => {
      const selected = runs.filter((r) => r.target.startsWith(prefix));
      return selected.reduce((sum, r) => sum + pick(r), 0) / selected.length;
    };
    const serviceRps = mean('service', (r) => r.rps);
    say('');
    const refused = runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    const answered = runs.reduce((sum, r) => sum + r.answered, 0);
    say(
      `answers settled (2xx): ${(((answered - refused) / Math.max(1, answered)) * 100).toFixed(2)} % of ${answered} in the measured runs (each run ≥ ${100 - MAX_REFUSED_SHARE * 100} % or the bench stops)`,
    );
    say(`service: ${serviceRps.toFixed(0)} req/s, p50 ${mean('service', (r) => r.p50).toFixed(1)} ms, p99 ${mean('service', (r) => r.p99).toFixed(1)} ms (mean of ${rounds} runs)`);
    if (baselineBase && runs.every((r) => r.cpuPerRequest !== null)) {
      const serviceCpu = mean('service', (r) => r.cpuPerRequest!);
      const baselineCpu = mean('baseline', (r) => r.cpuPerRequest!);
      // Each round's pair ran back to back: the median of their ratios is steadier on a shared machine than the means.
      const cpuOf = (prefix: string) => runs.filter((r) => r.target.startsWith(prefix)).map((r) => r.cpuPerRequest!);
      const pairs = cpuOf('service')
        .map((cpu, i) => cpu / cpuOf('baseline')[i]!)
        .sort((a, b) => a - b);
      say(
        `CPU per request service/baseline (${values.baseline}): ${(serviceCpu / baselineCpu).toFixed(3)}× of the means, median of the rounds' ratios ${pairs[Math.floor(pairs.length / 2)]!.toFixed(3)}× (${serviceCpu.toFixed(0)} / ${baselineCpu.toFixed(0)} µs; rounds: ${runs
          .filter((r) => r.target.startsWith('service') || r.target.startsWith('baseline'))
          .map((r) => `${r.target} ${r.cpuPerRequest!.toFixed(0)}`)
          .join(', ')})`,
      );
    }
    if (floorBase) {
      const floorRps = mean('floor', (r) => r.rps);
      say(`floor:   ${floorRps.toFixed(0)} req/s, p50 ${mean('floor', (r) => r.p50).toFixed(1)} ms, p99 ${mean('floor', (r) => r.p99).toFixed(1)} ms`);
      const minimalRps = mean('minimal', (r) => r.rps);
      say(`minimal: ${minimalRps.toFixed(0)} req/s, p50 ${mean('minimal', (r) => r.p50).toFixed(1)} ms, p99 ${mean('minimal', (r) => r.p99).toFixed(1)} ms`);
      say(`ratio service/floor: ${(serviceRps / floorRps).toFixed(2)} (project's floor, same round trips)`);
      say(`ratio service/minimal floor: ${(serviceRps / minimalRps).toFixed(2)} in req/s (one read, one Lua commit)`);
      if (runs.every((r) => r.cpuPerRequest !== null)) {
        const serviceCpu = mean('service', (r) => r.cpuPerRequest!);
        const floorCpu = mean('floor', (r) => r.cpuPerRequest!);
        const minimalCpu = mean('minimal', (r) => r.cpuPerRequest!);
        say(`server CPU per request: service ${serviceCpu.toFixed(0)} µs, floor ${floorCpu.toFixed(0)} µs, minimal floor ${minimalCpu.toFixed(0)} µs`);
        if (runs.every((r) => r.commandsPerRequest !== null)) {
          const last = (prefix: string) => runs.filter((r) => r.target.startsWith(prefix)).at(-1)!.commandsPerRequest!;
          say(`Redis commands per request (those inside scripts included): service ${commandsLine(last('service'))}`);
          say(`  floor ${commandsLine(last('floor'))}; minimal floor ${commandsLine(last('minimal'))}`);
        }
        say(
          `CPU per request ratio service/minimal floor: ${(serviceCpu / minimalCpu).toFixed(2)}× (target ≤ 2.5×), service/project floor: ${(serviceCpu / floorCpu).toFixed(2)}×, project floor/minimal floor: ${(floorCpu / minimalCpu).toFixed(2)}× (at saturation)`,
        );
        await compareAtOneRate(
          serviceRps,
          [
            { name: 'service', base: serviceBase, pid: service.pid!, body: bodies.service },
            { name: 'floor', base: floorBase, pid: floorPid!, body: bodies.floor },
            { name: 'minimal', base: minimalBase!, pid: minimalPid!, body: bodies.minimal },
          ],
          key,
        );
      }
      say('');
      // Fixed rate: evenly spaced arrivals, latency from when each request was due (bench/lib/paced-load.ts).
      say(`fixed rate ${fixedRate} req/s, evenly spaced, open loop; latency from when each request was due`);
      const paced: Record<string, PacedLoadResult[]> = { service: [], floor: [] };
      for (let round = 1; round <= rounds; round++) {
        for (const [target, base, pid] of [
          ['service', serviceBase, service.pid],
          ['floor', floorBase, floorPid],
        ] as const) {
          const cpuBefore = pid ? processTreeCpuMs(pid) : null;
          const result = await pacedLoad({
            base,
            path: '/v1/settlements',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: bodies[target],
            rate: fixedRate,
            seconds: duration,
          });
          const cpuMs = cpuBefore === null ? null : processTreeCpuMs(pid!)! - cpuBefore;
          paced[target]!.push(result);
          // A rate past the server's capacity is shed (503, or 429 for the one key's requests in flight, with Retry-After), as it should be: only other refusals stop the bench.
          checkAnswers(
            `${target} @${fixedRate}/s #${round}`,
            result.sent,
            result.non2xx - result.shed + result.errors,
            `non-2xx ${result.non2xx} (shed ${result.shed}), errors ${result.errors}, by status ${JSON.stringify(result.codes)}`,
          );
          say(
            `${`${target} @${fixedRate}/s #${round}`.padEnd(22)} p50 ${String(result.p50).padStart(5)} ms   p90 ${String(result.p90).padStart(5)} ms   p99 ${String(result.p99).padStart(5)} ms   max ${String(result.max).padStart(6)} ms   non-2xx ${result.non2xx} (shed ${result.shed})   errors ${result.errors}${cpuMs === null ? '' : `   server CPU ${((cpuMs * 1000) / result.sent).toFixed(0)} µs/req = ${(cpuMs / 10 / duration).toFixed(0)}% of a core`}`,
          );
        }
      }
      const meanP99 = (target: string) => paced[target]!.reduce((sum, r) => sum + r.p99, 0) / rounds;
      say(`fixed rate ${fixedRate} req/s: service p99 ${meanP99('service').toFixed(1)} ms (target ≤ 10 ms), floor p99 ${meanP99('floor').toFixed(1)} ms (mean of ${rounds} runs)`);
    }
  } finally {
    await cleanup();
  }
}

/** The three servers at one rate below all their capacities (bench/lib/equal-rate.ts): CPU per settlement without the batching a saturated fast server gets. */
async function compareAtOneRate(serviceRps: number, targets: EqualRateTarget[], key: string): Promise<void> {
  const rate = values['same-rate'] === 'auto' ? Math.max(10, Math.round((serviceRps * SAME_RATE_SHARE) / 10) * 10) : Number(values['same-rate']);
  say('');
  say(
    `one rate for all three: ${rate} req/s evenly spaced (${values['same-rate'] === 'auto' ? `${SAME_RATE_SHARE * 100} % of the service's saturated rate` : '--same-rate'}), ${rounds} rounds, the order rotating`,
  );
  const result = await equalRateCpu({
    targets,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    rate,
    seconds: duration,
    rounds,
    maxSockets: connections,
  });
  for (const t of targets) {
    checkAnswers(`${t.name} @${rate}/s`, result.sent[t.name]!, result.refused[t.name]!, `${result.refused[t.name]} not 2xx or failed`);
    say(`  ${t.name.padEnd(8)} server CPU ${result.cpu[t.name]!.map((us) => us.toFixed(0)).join(', ')} µs/req by round`);
  }
  const ratios = (a: string, b: string) => result.cpu[a]!.map((us, i) => us / result.cpu[b]![i]!);
  say(
    `CPU per request ratio at one rate, median of the rounds: service/minimal floor ${median(ratios('service', 'minimal')).toFixed(2)}× (target ≤ 2.5×), service/project floor ${median(ratios('service', 'floor')).toFixed(2)}×, project floor/minimal floor ${median(ratios('floor', 'minimal')).toFixed(2)}×`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
