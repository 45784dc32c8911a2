/**
 * The built import command (node dist/cli/import.js, as npm run import runs
 * it) against a real redis-server: Chinese CSV headers, bad rows in the
 * report, a re-run that changes nothing, deterministic referral ids, and
 * Ctrl-C mid-file: the batch in flight finishes, no record is half-written,
 * the report and summary are written, the exit code says so, and a re-run
 * completes the file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keys } from '../../src/store/keys.js';
import { enrolleeCard, expectedEnrollee, writeEnrolleeCsv } from '../../scripts/lib/registry-files.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { ROOT } from '../helpers/worked-examples.js';

let server: RedisServer;
let redis: Redis;
let dir: string;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  dir = mkdtempSync(path.join(os.tmpdir(), 'registry-import-'));
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await redis.flushall();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function importer(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli/import.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', REDIS_URL: server.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

const summaryOf = (file: string) => JSON.parse(readFileSync(`${file}.import-summary.json`, 'utf8')) as Record<string, any>;
/** The text as a GBK (GB18030) export writes it (glibc's iconv: no encoder ships with Node). */
const encodeGbk = (text: string): Buffer => execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: text });

const reportOf = (file: string) =>
  readFileSync(`${file}.import-report.csv`, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');

async function allEnrollees(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', 'enrollee:*', 'COUNT', 5000);
    cursor = next;
    if (batch.length > 0) (await redis.mget(...batch)).forEach((value, i) => found.set(batch[i]!, value!));
  } while (cursor !== '0');
  return found;
}

describe('npm run import', () => {
  it('regions are those of the loaded policies: a region added as a policy file is known by its name and division code', async () => {
    const policies = path.join(dir, 'policies');
    cpSync(path.join(ROOT, 'config/policies'), policies, { recursive: true });
    const template = readFileSync(path.join(policies, 'taiyuan-2019.yaml'), 'utf8');
    writeFileSync(
      path.join(policies, 'lianhua-2019.yaml'),
      template
        .replace(/^id: .*$/m, 'id: lianhua-2019')
        .replace(/^region: .*$/m, 'region: lianhua')
        .replace(/^name: .*$/m, 'name: 莲花县2019年城乡居民基本医疗保险')
        .replace(/^(insuranceDivision:\n(?:\s+#.*\n)*\s+admdvs: )"\d+"/m, '$1"360321"'),
    );
    const file = path.join(dir, 'new-region.csv');
    writeFileSync(
      file,
      '卡号,统筹区,性别,出生日期,参保期间\nL1,莲花县,女,1990-01-01,2019-01-01~2019-12-31\nL2,360321,男,1990-01-01,2019-01-01~2019-12-31\nL3,莲花,男,1990-01-01,2019-01-01~2019-12-31\nP1,平阳,女,1990-01-01,2019-01-01~2019-12-31\n',
    );
    const run = await importer(['enrollees', file], undefined, { POLICY_DIR: policies });
    expect(run.code, run.stderr).toBe(0);
    for (const card of ['L1', 'L2', 'L3']) expect(JSON.parse((await redis.get(keys.enrollee(card)))!).region).toBe('lianhua');
    expect(JSON.parse((await redis.get(keys.enrollee('P1')))!).region).toBe('pingyang');
  });

  it('a CSV with Chinese headers: valid rows stored as PUT stores them, bad rows in the report, exit 2; a re-run changes nothing', async () => {
    const file = path.join(dir, 'enrollees.csv');
    const bad = await writeEnrolleeCsv(file, 500, 50);
    const first = await importer(['enrollees', file]);
    expect(first.code, first.stderr).toBe(2);
    expect(summaryOf(file)).toMatchObject({ kind: 'enrollees', rows: 500, created: 490, rejected: 10, interrupted: false, lastLine: 501 });
    const report = reportOf(file);
    expect(report[0]).toBe('行号,卡号或编码,字段,列,错误值,原因');
    // Each rejected row: its line, key, field, the column's Chinese header, the bad value and the reason in Chinese.
    expect(report.slice(1)).toEqual(bad.map((i) => `${i + 2},${enrolleeCard(i)},birthDate,出生日期,1990-02-30,不是真实存在的日期（应为 YYYY-MM-DD，如 2019-03-01）`));
    expect(readFileSync(`${file}.import-report.csv`, 'utf8').startsWith('\uFEFF')).toBe(true); // Excel reads it as UTF-8
    for (const i of [0, 1, 10, 14, 498]) expect(JSON.parse((await redis.get(keys.enrollee(enrolleeCard(i))))!)).toEqual(expectedEnrollee(i));
    const before = await allEnrollees();
    expect(before.size).toBe(490);

    const again = await importer(['enrollees', file]);
    expect(again.code).toBe(2);
    expect(summaryOf(file)).toMatchObject({ rows: 500, created: 0, updated: 0, unchanged: 490, rejected: 10 });
    expect(await allEnrollees()).toEqual(before);
    expect(again.stdout).toMatch(/0 created, 0 updated, 490 unchanged, 10 rejected/);
  });

  it('English headers as NDJSON rows, the API shape: exit 0 when every row applies', async () => {
    const file = path.join(dir, 'enrollees.ndjson');
    writeFileSync(file, [0, 1, 2].map((i) => JSON.stringify(expectedEnrollee(i))).join('\n'));
    const run = await importer(['enrollees', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(summaryOf(file)).toMatchObject({ format: 'ndjson', rows: 3, created: 3, rejected: 0 });
    expect(JSON.parse((await redis.get(keys.enrollee(enrolleeCard(2))))!)).toEqual(expectedEnrollee(2));
  });

  it('hospitals with Chinese headers; referrals filed once however often the file is run', async () => {
    const hospitals = path.join(dir, 'hospitals.csv');
    writeFileSync(hospitals, '医院编码,医院名称,行政区划,医院等级,类型,县属,医联体,国家机构编码\nWZ-CITY,温州医科大学附属第一医院,330304,三级甲等,综合医院,否,,H33030400001\n');
    expect((await importer(['hospitals', hospitals])).code).toBe(0);
    expect(JSON.parse((await redis.get(keys.hospital('WZ-CITY')))!)).toMatchObject({ level: 3, kind: 'general', countyRun: false, fixmedinsCode: 'H33030400001' });
    expect(await redis.sismember(keys.hospitals(), 'WZ-CITY')).toBe(1);

    await redis.set(keys.enrollee('C1'), JSON.stringify({ ...expectedEnrollee(1), card: 'C1' }));
    const referrals = path.join(dir, 'referrals.csv');
    writeFileSync(referrals, '社会保障卡号,备案类型,开始日期,结束日期,转往医院,诊断\nC1,转诊转院,2019-03-01,2019-06-30,WZ-CITY,C34.9\nC2,转诊转院,2019-03-01,2019-06-30,,\n');
    expect((await importer(['referrals', referrals])).code).toBe(2);
    expect(summaryOf(referrals)).toMatchObject({ created: 1, rejected: 1 });
    expect(reportOf(referrals)[1]).toBe('3,C2,card,社会保障卡号,C2,没有卡号为 C2 的参保人，请先导入参保人');
    // The report is for a spreadsheet: a BOM for its Chinese, and a card cell that is a formula stays text.
    expect(readFileSync(`${referrals}.import-report.csv`, 'utf8').startsWith('\uFEFF')).toBe(true);
    const formula = path.join(dir, 'referrals-formula.csv');
    writeFileSync(formula, '社会保障卡号,备案类型,开始日期,结束日期,转往医院,诊断\n"=HYPERLINK(""http://x"",""C3"")",转诊转院,2019-03-01,2019-06-30,,\n');
    await importer(['referrals', formula]);
    expect(reportOf(formula).slice(1).join('\n')).not.toMatch(/(^|,)"?=/m);
    expect(reportOf(formula)[1]).toContain("'=HYPERLINK");
    const filed = await redis.hgetall(keys.filings('C1'));
    const [referralId] = Object.keys(filed);
    expect(referralId).toMatch(/^R-[0-9a-f]{4}-[0-9a-f]{32}$/);
    expect(await redis.hget(keys.idIndex(parseInt(referralId!.slice(2, 6), 16)), referralId!)).toBe('C1');
    expect((await importer(['referrals', referrals])).code).toBe(2);
    expect(summaryOf(referrals)).toMatchObject({ created: 0, unchanged: 1 });
    expect(await redis.hgetall(keys.filings('C1'))).toEqual(filed);
    expect(await redis.get(keys.filingsVersion('C1'))).toBe('1');
  });

  it('a header without a required column is refused before any row, exit 1', async () => {
    const file = path.join(dir, 'no-birth.csv');
    writeFileSync(file, '卡号,统筹区,性别,参保期间\nA1,平阳,女,2019-01-01~2019-12-31\n');
    const run = await importer(['enrollees', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no column for birthDate/);
    expect(run.stderr).toMatch(/表头有误：缺少必需的列：“出生日期”（birthDate）/);
    expect(await redis.dbsize()).toBe(0);
  });

  it('a GBK export read as UTF-8 is recognised before any row, and the message names --encoding; with it, the file imports', async () => {
    const file = path.join(dir, 'gbk.csv');
    const text = '社会保障卡号,统筹区,性别,出生日期,参保期间\n330326199001010021,平阳,女,1990-01-01,2019-01-01~2019-12-31\n';
    writeFileSync(file, encodeGbk(text));
    const run = await importer(['enrollees', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/不是 UTF-8 编码/);
    expect(run.stderr).toMatch(/--encoding gb18030/);
    expect(run.stderr).not.toMatch(/no column for/);
    expect(await redis.dbsize()).toBe(0);
    const again = await importer(['enrollees', file, '--encoding', 'gb18030']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse((await redis.get(keys.enrollee('330326199001010021')))!)).toMatchObject({ region: 'pingyang', sex: 'F', birthDate: '1990-01-01' });
  });

  it('a file broken mid-way (an unclosed quote): the rows before are written, exit 1', async () => {
    const file = path.join(dir, 'broken.csv');
    const headFile = path.join(dir, 'head.csv');
    await writeEnrolleeCsv(headFile, 30);
    const head = readFileSync(headFile, 'utf8');
    writeFileSync(file, `${head}"33032699,平阳,女,1990-01-01,2019-01-01,2019-12-31,,,否\n`);
    const run = await importer(['enrollees', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/could not be read past line/);
    expect(summaryOf(file)).toMatchObject({ created: 30 });
    expect((await allEnrollees()).size).toBe(30);
  });

  it('Ctrl-C mid-file: the batch in flight finishes, nothing is half-written, the report is written, exit 130; a re-run finishes', async () => {
    const rows = 300_000;
    const file = path.join(dir, 'big.csv');
    await writeEnrolleeCsv(file, rows);
    const run = await importer(['enrollees', file, '--batch', '500'], (child) => {
      // Once the first batches are in, interrupt.
      const poll = setInterval(() => {
        void redis.dbsize().then((n) => {
          if (n > 0 && child.exitCode === null) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        });
      }, 10);
      child.once('exit', () => clearInterval(poll));
    });
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/stopping after the batch in flight/);
    const summary = summaryOf(file);
    expect(summary.interrupted).toBe(true);
    expect(summary.rows).toBeLessThan(rows);
    // Every row read has its result and every one is whole: rows 0 … n−1 exactly, each the record it must be.
    const stored = await allEnrollees();
    expect(stored.size).toBe(summary.created);
    expect(summary.created).toBe(summary.rows);
    expect(summary.lastLine).toBe(summary.rows + 1);
    for (let i = 0; i < summary.rows; i++) {
      expect(stored.get(keys.enrollee(enrolleeCard(i))), `row ${i}`).toBe(JSON.stringify(expectedEnrollee(i)));
    }
    expect(reportOf(file)).toEqual(['行号,卡号或编码,字段,列,错误值,原因']);

    const rest = await importer(['enrollees', file]);
    expect(rest.code, rest.stderr).toBe(0);
    expect(summaryOf(file)).toMatchObject({ rows, unchanged: summary.rows, created: rows - summary.rows, interrupted: false });
    expect(await redis.dbsize()).toBe(rows);
  });
});
