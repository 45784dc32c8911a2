/**
 * Instructions per settlement, counted by callgrind, of the service and of
 * the minimal floor, and their ratio, with the Redis commands a settlement
 * made in the same window. bench/http.ts measures CPU time, which on this
 * shared 2-core machine moves ±15 % between runs of one build; counted
 * instructions do not move with the VM's neighbours, only with what the
 * service does in the background (the day ledger's compaction runs by the
 * clock: the window waits until no slot is pending, so the counted
 * settlements' compaction falls in it; runs of one build still differ by a
 * few per cent: docs/benchmarks.md). The built service (or a floor of
 * bench/http.ts) runs under `valgrind --tool=callgrind` with instrumentation
 * off (`--instr-atstart=no`, so also faster) through start-up, registry
 * writes and a warm-up (V8's optimising compiler settles), then on for a
 * fixed number of new settlements sent by a fixed number of connections
 * (autocannon, outside valgrind). Instructions are not time (a cache miss or
 * a syscall weighs more than an add): the figure compares builds and cuts,
 * time ratios stay bench/http.ts's.
 *
 *   npm run bench:instructions [-- --targets service,minimal] [--dist dist-before]
 *                                 [--warm-up 3000] [--requests 1000] [--connections 8]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { freePort, startRedis } from '../scripts/lib/redis-server.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { Redis } from 'ioredis';
import { callgrindIn, VGDB_ENV } from './lib/callgrind.js';
import { ledgerDrained } from './lib/ledger-drained.js';
import { benchServiceEnv, MAX_REFUSED_SHARE, registerWorkload, settlementBodies, statusCodes } from './lib/settlement-workload.js';

const execFileSyncText = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8' }).trim();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'service,minimal' },
    dist: { type: 'string', default: 'dist' },
    'warm-up': { type: 'string', default: '3000' },
    requests: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '8' },
  },
});
const FLOORS: Record<string, string> = { floor: 'bench/floor-server.ts', minimal: 'bench/floor-minimal.ts' };
const targets = values.targets!.split(',');
for (const target of targets) if (target !== 'service' && !FLOORS[target]) throw new Error(`--targets: service, floor or minimal, not ${target}`);

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function waitFor(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (
    !(await fetch(url).then(
      () => true,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Instructions per settlement of one target, on its own throw-away Redis. */
async function measure(targetName: string): Promise<number> {
  const redis = await startRedis();
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-instructions-'));
  const keysFile = path.join(outDir, 'keys.json');
  const adminKey = generateKey();
  writeFileSync(keysFile, JSON.stringify([{ id: 'bench-admin', role: 'admin', sha256: sha256Hex(adminKey) }]));
  const serviceEnv = {
    ...VGDB_ENV,
    ...benchServiceEnv(redis.url, keysFile),
    // valgrind runs every thread in turn: the deadlines of a native run would shed.
    REDIS_TIMEOUT_MS: '60000',
    MAX_EVENT_LOOP_DELAY_MS: '60000',
  };
  const callgrind = callgrindIn(outDir);
  const children: ChildProcess[] = [];
  try {
    const port = await freePort();
    const serviceScript = path.join(root, values.dist!, 'server.js');
    const measured = targetName === 'service';
    const service = spawn(measured ? 'valgrind' : process.execPath, measured ? callgrind.args(serviceNodeArgs(serviceScript)) : serviceNodeArgs(serviceScript), {
      cwd: root,
      env: { ...serviceEnv, PORT: String(port) },
      stdio: ['ignore', 'ignore', process.env.KEEP ? 'inherit' : 'ignore'],
    });
    children.push(service);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(`${base}/readyz`, 300);
    await registerWorkload(base, adminKey);
    let target = base;
    let pid = service.pid!;
    if (!measured) {
      const floorPort = await freePort();
      const floor = spawn('valgrind', callgrind.args(serviceNodeArgs(path.join(root, FLOORS[targetName]!), ['--import', 'tsx'])), {
        cwd: root,
        env: { ...VGDB_ENV, PORT: String(floorPort), REDIS_URL: redis.url, WORKERS: '1', REDIS_TIMEOUT_MS: '60000' },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      children.push(floor);
      target = `http://127.0.0.1:${floorPort}`;
      pid = floor.pid!;
      await waitFor(`${target}/`, 300);
    }
    const admin = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
    const next = settlementBodies(`instructions-${Date.now()}`);
    const send = async (amount: number) => {
      const result = await autocannon({
        url: target,
        connections: Number(values.connections),
        amount,
        timeout: 120,
        requests: [{ method: 'POST', path: '/v1/settlements', headers: admin, setupRequest: (request) => ({ ...request, body: next() }) }],
      });
      const failed = result.non2xx + result.errors + result.timeouts;
      if (failed / Math.max(1, amount) > MAX_REFUSED_SHARE) throw new Error(`${failed} of ${amount} answers not 2xx (${statusCodes(result)})`);
      return result;
    };
    const control = (args: string[]) => callgrind.control(pid, args, () => fetch(`${target}/healthz`));
    // The counted settlements' compaction falls in the window, and no other's (bench/lib/ledger-drained.ts).
    const drainedBy = new Map<string, number>();
    const compacted = async () => {
      const client = new Redis(redis.url);
      try {
        for (const [name, n] of (await ledgerDrained(client)).sent) drainedBy.set(name, (drainedBy.get(name) ?? 0) + n);
      } finally {
        client.disconnect();
      }
    };
    const started = Date.now();
    await send(Number(values['warm-up']));
    await compacted();
    say(`warm-up of ${values['warm-up']} settlements under callgrind: ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const stats = new Redis(redis.url);
    await stats.config('RESETSTAT');
    drainedBy.clear();
    await control(['-i', 'on']);
    await send(Number(values.requests));
    await compacted();
    await control(['-i', 'off']);
    await control(['-d']);
    // What Redis ran in the same window, less what this bench sent (the waits' SCAN and ZCARD, CONFIG, INFO).
    const commands = [...(await stats.info('commandstats')).matchAll(/cmdstat_(\w+):calls=(\d+)/g)]
      .filter(([, name]) => !['config', 'info'].includes(name!))
      .map(([, name, calls]) => [name!, (Number(calls) - (drainedBy.get(name!) ?? 0)) / Number(values.requests)] as const)
      .filter(([, calls]) => calls > 0)
      .sort((a, b) => b[1] - a[1]);
    stats.disconnect();
    // The dump holds what was counted while instrumented (the file at exit holds nothing more: counting was off).
    const instructions = Math.max(0, ...callgrind.dumpedTotals(pid));
    const perSettlement = instructions / Number(values.requests);
    const label = measured ? `service (${values.dist})` : `${targetName} floor`;
    say(
      `${label}: ${(perSettlement / 1e6).toFixed(3)} M instructions per settlement (${values.requests} settlements, ${values.connections} connections, after ${values['warm-up']})`,
    );
    const total = commands.reduce((sum, [, calls]) => sum + calls, 0);
    say(`  Redis commands per settlement (the scripts' own included): ${total.toFixed(2)} (${commands.map(([name, calls]) => `${name} ${calls.toFixed(2)}`).join(', ')})`);
    if (!(perSettlement > 0)) throw new Error(`callgrind counted nothing for ${label}`);
    return perSettlement;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await redis.stop();
    if (!process.env.KEEP) rmSync(outDir, { recursive: true, force: true });
    else say(outDir);
  }
}

say(
  `bench:instructions — node ${process.version}, ${execFileSyncText('valgrind', ['--version'])}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const counted = new Map<string, number>();
for (const target of targets) counted.set(target, await measure(target));
const service = counted.get('service');
for (const [target, count] of counted) {
  if (target !== 'service' && service)
    say(`instructions per settlement service/${target} floor: ${(service / count).toFixed(2)}× (${(service / 1e6).toFixed(3)} / ${(count / 1e6).toFixed(3)} M)`);
}
