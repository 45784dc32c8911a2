/**
 * Where a settlement's CPU goes: V8's CPU profiler (what `node --cpu-prof`
 * writes, started and stopped by signal through bench/lib/cpu-profile-on-signal.mjs
 * so that startup, registry writes and warm-up stay out) samples the built
 * service while autocannon settles new requests against it, and the
 * profile's self time is summed by group (validation, hashing, claim, ledger,
 * deflate, explanation, logging, metrics, engine, and what the floor also
 * pays: HTTP, JSON, the Redis client, node internals, GC) and divided by the
 * requests answered. Same workload as bench/http.ts.
 *
 *   npm run bench:profile [-- --duration 10 --connections 32 --keep <dir>]
 *   npm run bench:profile -- --target floor     the project's floor (or minimal), same table
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { freePort, startRedis } from '../scripts/lib/redis-server.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { benchServiceEnv, MAX_REFUSED_SHARE, registerWorkload, settlementBodies, statusCodes } from './lib/settlement-workload.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    keep: { type: 'string' },
    target: { type: 'string', default: 'service' },
  },
});
/** What is profiled: the built service, or one of the floors of bench/http.ts (run from source by tsx) for comparison. */
const FLOORS: Record<string, string> = { floor: 'bench/floor-server.ts', minimal: 'bench/floor-minimal.ts' };
if (values.target !== 'service' && !FLOORS[values.target!]) throw new Error(`--target service, floor or minimal, not ${values.target}`);
/** First match wins: the url (module) or function name of a profile node → group. */
const GROUPS: [string, (url: string, fn: string) => boolean][] = [
  ['idle', (_u, fn) => fn === '(idle)'],
  ['GC', (_u, fn) => fn === '(garbage collector)'],
  ['validation (zod, contract)', (u) => /node_modules\/zod\/|\/(?:dist|src)\/contract\/|\/(?:dist|src)\/http\/validate/.test(u)],
  ['hashing (crypto)', (u, fn) => /internal\/crypto|\/(?:dist|src)\/ops\/api-keys/.test(u) || /^(digest|update|createHash|Hash)$/.test(fn)],
  ['claim (requestId claim)', (u, fn) => /\/(?:dist|src)\/service\/request-claims/.test(u) || /claim/i.test(fn)],
  ['ledger', (u, fn) => /ledger/i.test(u) || /ledger/i.test(fn)],
  ['deflate (zlib, record codec)', (u) => /zlib|\/(?:dist|src)\/store\/codec\//.test(u)],
  ['explanation (view, messages)', (u) => /\/(?:dist|src)\/engine\/explanation|\/(?:dist|src)\/service\/settlement-view|\/(?:dist|src)\/messages\//.test(u)],
  ['logging (pino)', (u) => /node_modules\/(pino|sonic-boom|thread-stream|fast-redact|quick-format)|\/(?:dist|src)\/ops\/logger/.test(u)],
  ['metrics', (u) => /prom-client|\/(?:dist|src)\/ops\/metrics|\/(?:dist|src)\/http\/observe/.test(u)],
  ['engine (engine, policy, decimal.js)', (u) => /\/(?:dist|src)\/(engine|policy|domain)\/|decimal\.js/.test(u)],
  ['service + store (rest of the use-case)', (u) => /\/(?:dist|src)\/(service|store|national|compose)/.test(u)],
  ['Redis client (ioredis)', (u) => /node_modules\/(ioredis|redis-parser|redis-errors|cluster-key-slot|denque|standard-as-callback)/.test(u)],
  [
    'HTTP (node http, Express, auth, shedding)',
    (u) =>
      /node:_http|internal\/http|node_modules\/(express|router|body-parser|raw-body|finalhandler|send|on-finished|path-to-regexp|content-type|type-is|qs|iconv-lite|depd|statuses|mime)|\/(?:dist|src)\/http\//.test(
        u,
      ),
  ],
  ['node internals (net, streams, timers)', (u) => u.startsWith('node:')],
  ['V8 / native (program)', (_u, fn) => fn === '(program)' || fn === '(root)'],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (µs) per group over every .cpuprofile in dir, and the top functions of each group. */
export function summarise(dir: string): { groups: Map<string, number>; functions: Map<string, number> } {
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const groupOf = new Map<number, string>();
    const nameOf = new Map<number, string>();
    const parentOf = new Map<number, ProfileNode>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
    const short = (url: string) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
    for (const node of profile.nodes) {
      // A builtin without a module (writeSync, writev, JSON.stringify…) counts for the code that called it.
      let caller = node;
      while (caller.callFrame.url === '' && !caller.callFrame.functionName.startsWith('(') && parentOf.has(caller.id)) caller = parentOf.get(caller.id)!;
      const { url, functionName } = caller.callFrame;
      groupOf.set(node.id, GROUPS.find(([, test]) => test(url, functionName))?.[0] ?? 'other');
      const own = `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}`.trim();
      nameOf.set(node.id, caller === node ? own : `${own} ← ${caller.callFrame.functionName || '(anonymous)'} ${short(url)}`);
    }
    profile.samples.forEach((id, i) => {
      const micros = profile.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time it stands for
      groups.set(groupOf.get(id)!, (groups.get(groupOf.get(id)!) ?? 0) + micros);
      functions.set(nameOf.get(id)!, (functions.get(nameOf.get(id)!) ?? 0) + micros);
    });
  }
  return { groups, functions };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const profileDir = values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  const keysFile = path.join(os.tmpdir(), `bench-profile-keys-${process.pid}.json`);
  const adminKey = generateKey();
  writeFileSync(keysFile, JSON.stringify([{ id: 'bench-admin', role: 'admin', sha256: sha256Hex(adminKey) }]));
  const port = await freePort();
  const profileFile = path.join(profileDir, 'service.cpuprofile');
  const preload = path.join(root, 'bench/lib/cpu-profile-on-signal.mjs');
  const service = spawn(process.execPath, serviceNodeArgs(path.join(root, 'dist/server.js'), ['--import', preload]), {
    cwd: root,
    env: {
      ...process.env,
      CPU_PROFILE_FILE: values.target === 'service' ? profileFile : '',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...benchServiceEnv(redis.url, keysFile),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => service.on('exit', () => resolve()));
  let floor: ReturnType<typeof spawn> | null = null;
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    while (
      !(await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('service not ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    await registerWorkload(base, adminKey);
    // A floor is profiled instead: started now, on the registry the service just wrote.
    let profiled = service;
    let target = base;
    if (values.target !== 'service') {
      const floorPort = await freePort();
      profiled = spawn(process.execPath, serviceNodeArgs(path.join(root, FLOORS[values.target!]!), ['--import', 'tsx', '--import', preload]), {
        cwd: root,
        env: { ...process.env, CPU_PROFILE_FILE: profileFile, PORT: String(floorPort), REDIS_URL: redis.url, WORKERS: '1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      floor = profiled;
      target = `http://127.0.0.1:${floorPort}`;
      const floorDeadline = Date.now() + 20_000;
      while (
        !(await fetch(`${target}/`).then(
          () => true,
          () => false,
        ))
      ) {
        if (Date.now() > floorDeadline) throw new Error(`${values.target} floor not up`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const next = settlementBodies(`profile-${Date.now()}`);
    const load = async (seconds: number, warmUp = false) => {
      const result = await autocannon({
        url: target,
        connections: Number(values.connections),
        duration: seconds,
        requests: [{ method: 'POST', path: '/v1/settlements', headers: admin, setupRequest: (request) => ({ ...request, body: next() }) }],
      });
      // A profile of refusals is not a settlement's: stop with the codes (a warm-up may shed while compiling).
      if (warmUp) return result;
      const failed = result.non2xx + result.errors + result.timeouts;
      if (failed / Math.max(1, result.requests.total + result.errors + result.timeouts) > MAX_REFUSED_SHARE) {
        throw new Error(`${failed} of ${result.requests.total} answers not 2xx (${statusCodes(result)}): not a profile of settlements`);
      }
      return result;
    };
    await load(2, true); // warm-up: JIT, connections, the persons' first settlements of the year
    profiled.kill('SIGUSR2');
    await new Promise((r) => setTimeout(r, 200));
    const result = await load(Number(values.duration));
    profiled.kill('SIGUSR2');
    const written = Date.now() + 20_000;
    while (!existsSync(profileFile)) {
      if (Date.now() > written) throw new Error('the service wrote no profile');
      await new Promise((r) => setTimeout(r, 100));
    }
    floor?.kill('SIGTERM');
    service.kill('SIGTERM');
    await exited;
    const requests = result.requests.total;
    const { groups, functions } = summarise(profileDir);
    const busy = [...groups].filter(([g]) => g !== 'idle').reduce((sum, [, us]) => sum + us, 0);
    const what = values.target === 'service' ? 'the service (dist/server.js)' : `the ${values.target === 'floor' ? "project's" : 'minimal'} floor (${FLOORS[values.target!]})`;
    const loadAverage = os.loadavg().map((l) => l.toFixed(2));
    say(`bench:profile of ${what} — node ${process.version}, ${os.cpus().length} cores, load average ${loadAverage.join(' ')}`);
    say(
      `${result.requests.total} settlements in ${values.duration} s (${result.requests.average.toFixed(0)} req/s, ${result.non2xx} non-2xx, ${values.connections} connections) after a 2 s warm-up; profile in ${profileDir}`,
    );
    say(`busy CPU in the profile: ${(busy / 1000).toFixed(0)} ms → ${(busy / requests).toFixed(0)} µs per request`);
    say('');
    say(`| group | self ms | share | µs per request |`);
    say(`|---|---|---|---|`);
    for (const [group, us] of [...groups].filter(([g]) => g !== 'idle').sort((a, b) => b[1] - a[1])) {
      say(`| ${group} | ${(us / 1000).toFixed(0)} | ${((us / busy) * 100).toFixed(1)} % | ${(us / requests).toFixed(1)} |`);
    }
    say('');
    say('top functions by self time (a builtin ← the function that called it):');
    for (const [name, us] of [...functions]
      .filter(([f]) => !f.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)) {
      say(`  ${(us / requests).toFixed(1).padStart(6)} µs/req  ${name}`);
    }
  } finally {
    if (service.exitCode === null) service.kill('SIGKILL');
    if (floor && floor.exitCode === null) floor.kill('SIGKILL');
    await redis.stop();
    rmSync(keysFile, { force: true });
    if (!values.keep) rmSync(profileDir, { recursive: true, force: true });
  }
}

await main();
