/**
 * npm run local — the service on this machine with its own Redis and demo data.
 *
 * Without REDIS_URL it starts a private redis-server (installing Debian's
 * package when it is missing and we are root; otherwise it prints the command
 * to run), writes a demo key file, starts the built server, loads
 * config/demo/ through the API and prints a demo key and a curl to paste.
 * Everything follows the policy directory (POLICY_DIR, default
 * config/policies): the regions of its policies get referral keys and demo
 * data (scripts/lib/local-demo.ts), the banner names its policies.
 * Ctrl-C stops both.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKey, sha256Hex } from '../src/ops/api-keys.js';
import { serviceNodeArgs } from '../src/ops/node-flags.js';
import { loadPolicyDirectory } from '../src/policy/loader.js';
import { DEMO_BILL } from './lib/demo-catalogue.js';
import { demoDataFor, type DemoFiles } from './lib/local-demo.js';
import { startRedis } from './lib/redis-server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const localDir = path.join(root, '.local');
const children: ChildProcess[] = [];

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureRedisServer(): void {
  if (hasCommand('redis-server')) return;
  if (process.getuid?.() === 0 && hasCommand('apt-get')) {
    say('redis-server is missing: installing the Debian package (apt-get install -y redis-server)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env }).status === 0;
    if (!install()) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
      if (!install()) throw new Error('apt-get could not install redis-server');
    }
    return;
  }
  say('redis-server is not installed. Install it, then run npm run local again:');
  say('  sudo apt-get update && sudo apt-get install -y redis-server');
  say('or point the service at a running Redis: REDIS_URL=redis://host:6379 npm run local');
  process.exit(1);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopAll(code: number): never {
  for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}

async function main(): Promise<void> {
  mkdirSync(localDir, { recursive: true });
  const port = Number(process.env.PORT ?? 8080);

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    ensureRedisServer();
    const dir = path.join(localDir, 'redis');
    mkdirSync(dir, { recursive: true });
    const redis = await startRedis(['--appendonly', 'yes', '--appendfsync', 'everysec'], { dir });
    children.push(redis.process);
    redisUrl = redis.url;
    say(`private redis-server on ${redisUrl} (data in .local/redis)`);
    say(`  the operator tools reach it with REDIS_URL=${redisUrl} (e.g. REDIS_URL=${redisUrl} npm run import -- enrollees <file>)`);
  }

  const policyDir = path.resolve(root, process.env.POLICY_DIR ?? 'config/policies');
  const catalogueDir = path.resolve(root, process.env.CATALOGUE_DIR ?? 'config/catalogues');
  const catalog = loadPolicyDirectory(policyDir);
  const demoFile = (name: string) => path.join(root, 'config/demo', name);
  const files: DemoFiles = {
    hospitals: JSON.parse(readFileSync(demoFile('hospitals.json'), 'utf8')) as DemoFiles['hospitals'],
    enrollees: JSON.parse(readFileSync(demoFile('enrollees.json'), 'utf8')) as DemoFiles['enrollees'],
    referrals: JSON.parse(readFileSync(demoFile('referrals.json'), 'utf8')) as DemoFiles['referrals'],
  };
  const { hospitals, enrollees, referrals, regions, madeUp, stays } = demoDataFor(catalog, files);

  const adminKey = generateKey();
  const billingKeys: Record<string, string> = {};
  const entries: unknown[] = [{ id: 'demo-admin', role: 'admin', sha256: sha256Hex(adminKey) }];
  for (const hospitalId of Object.keys(hospitals)) {
    billingKeys[hospitalId] = generateKey();
    entries.push({ id: `demo-billing-${hospitalId}`, role: 'billing', hospitalId, sha256: sha256Hex(billingKeys[hospitalId]!) });
  }
  const referralKeys: Record<string, string> = {};
  for (const region of regions) {
    referralKeys[region] = generateKey();
    entries.push({ id: `demo-referral-${region}`, role: 'referral', region, sha256: sha256Hex(referralKeys[region]!) });
  }
  const keysFile = path.join(localDir, 'api-keys.json');
  writeFileSync(keysFile, `${JSON.stringify(entries, null, 2)}\n`);

  const server = spawn(process.execPath, serviceNodeArgs(path.join(root, 'dist/server.js')), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      REDIS_URL: redisUrl,
      API_KEYS_FILE: keysFile,
      POLICY_DIR: policyDir,
      CATALOGUE_DIR: catalogueDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
  });
  children.push(server);
  server.on('exit', (code) => {
    say(`server exited (${code ?? 'signal'})`);
    stopAll(code ?? 0);
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'the settlement service');

  const admin = { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
  const put = async (url: string, body: unknown, method = 'PUT') => {
    const res = await fetch(`${base}${url}`, { method, headers: admin, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  };
  for (const [id, hospital] of Object.entries(hospitals)) await put(`/v1/hospitals/${id}`, hospital);
  for (const [card, enrollee] of Object.entries(enrollees)) await put(`/v1/enrollees/${card}`, enrollee);
  for (const referral of referrals) await put('/v1/referrals', referral, 'POST');

  const stay = stays[0]!;
  const example = {
    requestId: 'DEMO-1',
    card: stay.card,
    hospitalId: stay.hospitalId,
    visitType: 'inpatient',
    admissionDate: stay.admissionDate,
    dischargeDate: stay.dischargeDate,
    charges: { total: '12345.67', fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' },
  };
  const firstKey = billingKeys[stay.hospitalId]!;
  say('');
  say(
    `Settlement service ready on ${base} (policies: ${catalog.policies.map((p) => p.id).join(', ')}; from ${path.relative(root, policyDir).startsWith('..') ? policyDir : path.relative(root, policyDir)})`,
  );
  say(`Demo data: ${Object.keys(hospitals).length} hospitals, ${Object.keys(enrollees).length} enrollees, ${referrals.length} referral filing(s).`);
  if (madeUp.length > 0) say(`  made up for ${madeUp.join(', ')} (not in config/demo/): a hospital in its division and one enrollee`);
  say(`Keys file: ${path.relative(root, keysFile)}`);
  say(`  admin key:              ${adminKey}`);
  say('');
  say(`The desk (住院结算 · 转诊备案 · 对账): ${base}/desk/  — sign in with one of these keys:`);
  say(`  admin (all pages):                        ${adminKey}`);
  for (const [hospitalId, key] of Object.entries(billingKeys)) {
    say(`  billing ${hospitalId.padEnd(10)} (住院结算, 对账):   ${key}`);
  }
  for (const [region, key] of Object.entries(referralKeys)) {
    say(`  referral ${region.padEnd(9)} (转诊备案):         ${key}`);
  }
  say('  e.g. one stay per region:');
  for (const s of stays) say(`    ${s.region}: billing ${s.hospitalId}, card ${s.card}, ${s.admissionDate} → ${s.dischargeDate}, total 12345.67`);
  say('');
  say(`Preview a ${stay.region} stay (nothing is recorded):`);
  say(`curl -s -X POST ${base}/v1/settlements/preview -H 'Authorization: Bearer ${firstKey}' -H 'Content-Type: application/json' -d '${JSON.stringify(example)}'`);
  // The same stay as a bill of lines, when the region's catalogue knows the demo bill's codes.
  const catalogueId = catalog.get(stay.policyId)!.policy.catalogue.id;
  const catalogueFile = path.join(catalogueDir, `${catalogueId}.csv`);
  const catalogueText = existsSync(catalogueFile) ? readFileSync(catalogueFile, 'utf8') : '';
  if (DEMO_BILL.every((line) => catalogueText.includes(line.code))) {
    const billFile = path.join(localDir, 'bill-example.json');
    writeFileSync(billFile, `${JSON.stringify({ ...example, requestId: 'DEMO-BILL-1', charges: { lines: DEMO_BILL } }, null, 2)}\n`);
    say('');
    say(`The same stay sent as its bill (fee lines, ${path.relative(root, billFile)}), classified against ${path.relative(root, catalogueFile)}:`);
    say(
      `curl -s -X POST ${base}/v1/settlements/preview -H 'Authorization: Bearer ${firstKey}' -H 'Content-Type: application/json' -d @${path.relative(process.cwd(), billFile) || billFile}`,
    );
  }
  const fixmedinsCode = hospitals[stay.hospitalId]!.fixmedinsCode;
  if (fixmedinsCode) {
    say('');
    say("The national platform's face (docs/national-platform.md): the person, as an HIS asks with 1101:");
    const envelope = {
      infno: '1101',
      msgid: `${fixmedinsCode}${stay.admissionDate.replace(/-/g, '')}0800000001`,
      fixmedins_code: fixmedinsCode,
      opter: '0123',
      opter_name: '收费员',
      input: { data: { mdtrt_cert_type: '03', mdtrt_cert_no: example.card, begntime: `${stay.admissionDate} 08:00:00` } },
    };
    say(`curl -s -X POST ${base}/hsa/v1 -H 'Authorization: Bearer ${firstKey}' -H 'Content-Type: application/json' -d '${JSON.stringify(envelope)}'`);
  }
  say('');
  say('Ctrl-C stops the service and its Redis.');
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((error: Error) => {
  process.stderr.write(`npm run local failed: ${error.message}\n`);
  stopAll(1);
});
