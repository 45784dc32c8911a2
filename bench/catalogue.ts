/**
 * Catalogue benchmark (prints figures, asserts nothing):
 *
 *   1. a generated 150,000-row catalogue (temp dir, not committed): the built
 *      server's start-up time and resident memory against the same server with
 *      the demo catalogues, and the loader alone (time, heap after GC);
 *   2. a settlement of 2,000 fee lines against a four-amount settlement in the
 *      same run — in process (schema + hash + engine + view + JSON) and over
 *      HTTP (the built server, real Redis, preview and settle);
 *   3. the import tool's rows/s on the same 150,000 rows as a Chinese export.
 *
 *   npm run bench:catalogue            (builds, then tsx bench/catalogue.ts)
 *   BENCH_ROWS=150000 BENCH_LINES=2000 npm run bench:catalogue
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importCatalogue } from '../src/catalogue/import.js';
import { loadCatalogueFile } from '../src/catalogue/loader.js';
import { type CHARGE_LEVELS, FEE_CATEGORIES } from '../src/domain/code-tables.js';
import { emptyAccumulators } from '../src/domain/accumulators.js';
import type { Enrollee } from '../src/domain/types.js';
import { settle } from '../src/engine/settle.js';
import { hospitalSchema, toHospital } from '../src/contract/registry.js';
import { parseSettlementRequest } from '../src/contract/settlement.js';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { settlementView } from '../src/service/settlement-view.js';
import { NO_ACTOR, requestHash } from '../src/service/settlements.js';
import { freePort, startRedis } from '../scripts/lib/redis-server.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { ANCHOR, DEMO_CATALOGUES, catalogueCsv, generateDemoCatalogue } from '../scripts/lib/demo-catalogue.js';
import { billLines } from './lib/catalogue-bills.js';
import { processTreeCpuMs } from './lib/process-cpu.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.BENCH_ROWS ?? 150_000);
const LINES = Number(process.env.BENCH_LINES ?? 2000);
const DEMO_DIR = path.join(ROOT, 'config/catalogues');
const BIG_ID = 'zhejiang-2019-demo';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const ms = (ns: bigint) => Number(ns) / 1e6;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const say = (line: string) => process.stdout.write(`${line}\n`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'bench-catalogue-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

// ------------------------------------------------------------ the big file ---
const bigDir = path.join(tmp, 'big');
const spec = DEMO_CATALOGUES.find((s) => s.id === BIG_ID)!;
const entries = generateDemoCatalogue({ ...spec, rows: ROWS - 10, seed: 20190101 });
mkdirSync(bigDir);
writeFileSync(path.join(bigDir, `${BIG_ID}.csv`), catalogueCsv(entries));
for (const other of DEMO_CATALOGUES) if (other.id !== BIG_ID) copyFileSync(path.join(DEMO_DIR, `${other.id}.csv`), path.join(bigDir, `${other.id}.csv`));
const bigFile = path.join(bigDir, `${BIG_ID}.csv`);
const bigBytes = readFileSync(bigFile).length;
say(`catalogue: ${entries.length} rows, ${mb(bigBytes)} MB (generated into ${bigDir})`);

// ----------------------------------------------------- loader, in process ---
{
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const times: number[] = [];
  let kept: unknown = null;
  for (let i = 0; i < 3; i++) {
    kept = null;
    gc();
    const started = process.hrtime.bigint();
    kept = await loadCatalogueFile(BIG_ID, bigFile);
    times.push(ms(process.hrtime.bigint() - started));
  }
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  say(`loader alone: ${times.map((t) => `${t.toFixed(0)} ms`).join(', ')} (3 loads); heap held by the loaded catalogue after GC ${mb(heapAfter - heapBefore)} MB`);
  if (!kept) process.exitCode = 1;
}

// ------------------------------------------ the built server: start-up, RSS ---
const redis = await startRedis();
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

interface Started {
  base: string;
  startupMs: number;
  rssMb: number;
  pid: number;
  stop(): Promise<void>;
}

async function startServer(catalogueDir: string): Promise<Started> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  // BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the servers, as in bench:national.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, serviceNodeArgs(path.join(ROOT, 'dist/server.js'), nodeArgs), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      REDIS_URL: redis.url,
      API_KEYS_FILE: keysFile,
      CATALOGUE_DIR: catalogueDir,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_RPS: '0',
      METRICS_PORT: '0',
      // One request at a time: a shared machine's stall must not shed it as overload.
      MAX_EVENT_LOOP_DELAY_MS: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    if (
      await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const startupMs = ms(process.hrtime.bigint() - started);
  await new Promise((r) => setTimeout(r, 300));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return {
    base,
    startupMs,
    rssMb: rssKb / 1024,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const demoRuns: Started[] = [];
const bigRuns: Started[] = [];
for (let i = 0; i < 2; i++) {
  const demo = await startServer(DEMO_DIR);
  demoRuns.push(demo);
  await demo.stop();
  const big = await startServer(bigDir);
  bigRuns.push(big);
  if (i === 0) await big.stop();
}
const server = bigRuns.at(-1)!;
const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const startDemo = avg(demoRuns.map((r) => r.startupMs));
const startBig = avg(bigRuns.map((r) => r.startupMs));
const rssDemo = avg(demoRuns.map((r) => r.rssMb));
const rssBig = avg(bigRuns.map((r) => r.rssMb));
say(
  `server start to ready: demo catalogues ${startDemo.toFixed(0)} ms, ${ROWS} rows ${startBig.toFixed(0)} ms → +${(startBig - startDemo).toFixed(0)} ms (target < 3000 ms: ${startBig < 3000 ? 'met' : 'NOT met'})`,
);
say(
  `server RSS when ready: demo ${rssDemo.toFixed(0)} MB, ${ROWS} rows ${rssBig.toFixed(0)} MB → +${(rssBig - rssDemo).toFixed(0)} MB (target < 150 MB extra: ${rssBig - rssDemo < 150 ? 'met' : 'NOT met'})`,
);

// ------------------------------------------- 2,000 lines vs four amounts ---
const hospital = toHospital('PY-COUNTY', hospitalSchema.parse({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true }));
const enrollee: Enrollee = {
  card: 'BENCHCAT1',
  region: 'pingyang',
  sex: 'F',
  birthDate: '1970-01-01',
  coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  categories: [],
  specialDiseases: [],
  maternityInsured: false,
};
const usable = entries.filter((e) => e.validFrom === null && e.validTo === null);
const bill = (n: number, salt: number) => billLines(usable, n, salt);
const wire = (requestId: string, charges: unknown) => ({
  requestId,
  card: enrollee.card,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges,
});
const amountsWire = (i: number) => wire(`A-${i}`, { total: `${12000 + i}.67`, fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' });
const linesWire = (i: number) => wire(`L-${i}`, { lines: bill(LINES, i) });

{
  const catalog = loadPolicyDirectory(path.join(ROOT, 'config/policies'));
  const big = await loadCatalogueFile(BIG_ID, bigFile);
  const catalogues = new Map([[BIG_ID, big]]);
  const accumulators = emptyAccumulators();
  const pipeline = (body: unknown) => {
    const request = parseSettlementRequest(body);
    const hash = requestHash(request);
    const outcome = settle({ catalog, catalogues, request, hospital, enrollee, filings: [], accumulators, accumulatorsYear: 2019 });
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    return JSON.stringify(settlementView(outcome.settlement, request, accumulators, { settlementId: 'S-1', status: 'settled', settledAt: hash, actor: NO_ACTOR })).length;
  };
  const engineOnly = (body: unknown) => {
    const request = parseSettlementRequest(body);
    return () => settle({ catalog, catalogues, request, hospital, enrollee, filings: [], accumulators, accumulatorsYear: 2019 });
  };
  const time = (label: string, count: number, fn: (i: number) => unknown) => {
    for (let i = 0; i < Math.min(count, 50); i++) fn(i); // warm up
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) fn(i);
    const perCall = ms(process.hrtime.bigint() - started) / count;
    return { label, perCall };
  };
  const amountBodies = Array.from({ length: 200 }, (_, i) => amountsWire(i));
  const lineBodies = Array.from({ length: 10 }, (_, i) => linesWire(i));
  const a = time('four amounts', 4000, (i) => pipeline(amountBodies[i % amountBodies.length]));
  const l = time(`${LINES} lines`, 60, (i) => pipeline(lineBodies[i % lineBodies.length]));
  const ae = amountBodies.map(engineOnly);
  const le = lineBodies.map(engineOnly);
  const aEngine = time('four amounts', 20000, (i) => ae[i % ae.length]!());
  const lEngine = time(`${LINES} lines`, 100, (i) => le[i % le.length]!());
  // Where a bill's time goes, stage by stage (each stage alone, on one 2,000-line request).
  const text = JSON.stringify(lineBodies[0]);
  const request = parseSettlementRequest(lineBodies[0]);
  const outcome = settle({ catalog, catalogues, request, hospital, enrollee, filings: [], accumulators, accumulatorsYear: 2019 });
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  const view = settlementView(outcome.settlement, request, accumulators, { settlementId: 'S-1', status: 'settled', actor: NO_ACTOR });
  const stages = [
    time('JSON.parse of the body', 40, () => JSON.parse(text)),
    time('request schema (zod)', 40, () => parseSettlementRequest(lineBodies[0])),
    time('request hash', 40, () => requestHash(request)),
    time('engine', 40, () => settle({ catalog, catalogues, request, hospital, enrollee, filings: [], accumulators, accumulatorsYear: 2019 })),
    time('response view', 40, () => settlementView(outcome.settlement, request, accumulators, { settlementId: 'S-1', status: 'settled', actor: NO_ACTOR })),
    time('JSON.stringify of the response', 40, () => JSON.stringify(view)),
  ];
  say(`${LINES}-line stages: ${stages.map((s) => `${s.label} ${s.perCall.toFixed(2)} ms`).join(', ')}`);
  say(
    `in process, parse + hash + engine + view + JSON: four amounts ${(a.perCall * 1000).toFixed(0)} µs, ${LINES} lines ${l.perCall.toFixed(2)} ms → ratio ${(l.perCall / a.perCall).toFixed(0)}× (${((l.perCall * 1000) / LINES).toFixed(1)} µs per line)`,
  );
  say(
    `engine alone (settle()): four amounts ${(aEngine.perCall * 1000).toFixed(1)} µs, ${LINES} lines ${lEngine.perCall.toFixed(2)} ms → ratio ${(lEngine.perCall / aEngine.perCall).toFixed(0)}× (${((lEngine.perCall * 1000) / LINES).toFixed(2)} µs per line)`,
  );
}

// ------------------------------------------------------------ over HTTP ---
{
  const admin = { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
  const billing = { Authorization: `Bearer ${billingKey}`, 'Content-Type': 'application/json' };
  await fetch(`${server.base}/v1/hospitals/PY-COUNTY`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true }),
  });
  await fetch(`${server.base}/v1/enrollees/${enrollee.card}`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ region: 'pingyang', sex: 'F', birthDate: '1970-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }] }),
  });
  // The server's CPU over the request alone (the client shares the two cores and parses a large answer too): /proc's
  // 10 ms ticks, summed over a series, are unbiased however short each request.
  const serverCpuMs = () => processTreeCpuMs(server.pid) ?? 0;
  const post = async (url: string, body: string) => {
    const cpuBefore = serverCpuMs();
    const started = process.hrtime.bigint();
    const res = await fetch(`${server.base}${url}`, { method: 'POST', headers: billing, body });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${res.status} ${text.slice(0, 200)}`);
    const took = ms(process.hrtime.bigint() - started);
    const cpu = serverCpuMs() - cpuBefore;
    // One person is in one hospital at a time: each settled stay is reversed (untimed) so the next may take the same days.
    if (url === '/v1/settlements') {
      const { settlementId } = JSON.parse(text) as { settlementId: string };
      const undone = await fetch(`${server.base}/v1/settlements/${settlementId}/reversal`, { method: 'POST', headers: billing, body: '{}' });
      if (undone.status >= 300) throw new Error(`reversal ${undone.status} ${(await undone.text()).slice(0, 200)}`);
    }
    return { ms: took, cpu, bytes: text.length };
  };
  const series = async (url: string, count: number, body: (i: number) => string) => {
    const bodies = Array.from({ length: count }, (_, i) => body(i));
    for (let i = 0; i < 5; i++) await post(url, body(100_000 + i)); // warm up
    const times: number[] = [];
    let bytes = 0;
    let cpu = 0;
    for (const b of bodies) {
      const r = await post(url, b);
      times.push(r.ms);
      cpu += r.cpu;
      bytes = r.bytes;
    }
    times.sort((x, y) => x - y);
    return { mean: avg(times), p50: times[Math.floor(times.length / 2)]!, cpu: cpu / bodies.length, bytes };
  };
  const previewA = await series('/v1/settlements/preview', 300, (i) => JSON.stringify(amountsWire(i)));
  const previewL = await series('/v1/settlements/preview', 40, (i) => JSON.stringify(linesWire(i)));
  const settleA = await series('/v1/settlements', 300, (i) => JSON.stringify(amountsWire(i)));
  const settleL = await series('/v1/settlements', 40, (i) => JSON.stringify(linesWire(i)));
  type Series = { mean: number; p50: number; cpu: number; bytes: number };
  const line = (what: string, a: Series, l: Series) =>
    say(
      `HTTP ${what} (sequential, built server + Redis): four amounts mean ${a.mean.toFixed(2)} ms (p50 ${a.p50.toFixed(2)}), ${LINES} lines mean ${l.mean.toFixed(2)} ms (p50 ${l.p50.toFixed(2)}) → ratio ${(l.mean / a.mean).toFixed(1)}× (target ≤ 8×: ${l.mean / a.mean <= 8 ? 'met' : 'NOT met'}); ` +
        `server CPU ${a.cpu.toFixed(2)} vs ${l.cpu.toFixed(1)} ms → ${(l.cpu / a.cpu).toFixed(1)}×; response ${(a.bytes / 1024).toFixed(1)} kB vs ${(l.bytes / 1024).toFixed(0)} kB`,
    );
  line('preview', previewA, previewL);
  line('settle', settleA, settleL);
}
await server.stop();
await redis.stop();

// --------------------------------------------------------- the import tool ---
{
  const LEVEL_NAME = { '01': '甲', '02': '乙', '03': '丙' } as const satisfies Record<keyof typeof CHARGE_LEVELS, string>;
  const rows = entries.map((e) =>
    [
      e.code,
      e.name,
      LEVEL_NAME[e.level],
      e.selfPayRatio ? `${e.selfPayRatio.times(100).toString()}%` : '',
      e.priceCeiling?.toString() ?? '',
      FEE_CATEGORIES[e.category],
      e.validFrom ?? '',
      e.validTo ?? '',
      '某某制药有限公司',
    ]
      .map((v) => (v.includes(',') ? `"${v}"` : v))
      .join(','),
  );
  const exportFile = path.join(tmp, 'export.csv');
  writeFileSync(exportFile, `\uFEFF医保目录编码,名称,收费项目等级,自付比例,限价,收费类别,开始日期,结束日期,生产企业\n${rows.join('\n')}\n`);
  const result = await importCatalogue({ input: exportFile, id: 'bench', out: path.join(tmp, 'imported.csv'), rejects: path.join(tmp, 'imported.rejected.csv') });
  const same = readFileSync(path.join(tmp, 'imported.csv'), 'utf8') === readFileSync(bigFile, 'utf8');
  say(
    `import tool: ${result.rows} rows in ${result.seconds.toFixed(2)} s → ${Math.round(result.rows / result.seconds)} rows/s; ${result.written} written, ${result.rejected} rejected; output equals the generated catalogue: ${same}`,
  );
}
say(`node ${process.version}, ${os.cpus().length} cores shared with other work: read the ratios, not the absolute figures. Anchor code for a manual check: ${ANCHOR.amoxicillin}`);
