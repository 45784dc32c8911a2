/**
 * Policy files as data (src/policy/loader.ts): invalid files are rejected with
 * one line naming the file and the field; a new parameter or a new benefit
 * year is a file change, never a code change.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PolicyFileError, loadPolicyDirectory, parsePolicyFile } from '../../src/policy/loader.js';
import { POLICY_DIR, catalog, fmt, paid, settleOk } from '../helpers/engine-fixtures.js';

const original = (id: string) => readFileSync(path.join(POLICY_DIR, `${id}.yaml`), 'utf8');
const PY = original('pingyang-2019');
const JJ = original('jinjiang-2018');
const TY = original('taiyuan-2019');

/** Replaces exactly one occurrence, so a fixture edit can never silently miss. */
function edit(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags.replace('g', '')}g`)) ?? []).length;
  if (count !== 1) throw new Error(`fixture edit: ${String(from)} occurs ${count} times`);
  return text.replace(from, to);
}

const scratch = mkdtempSync(path.join(tmpdir(), 'policy-loader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
function directory(files: Record<string, string>): string {
  const dir = path.join(scratch, `d${++dirs}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function rejection(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the policy file to be rejected');
}

describe('shipped policy files', () => {
  it('hold the three seed policies (a region added is one more file)', () => {
    expect(catalog.policies.map((p) => p.id)).toEqual(expect.arrayContaining(['jinjiang-2018', 'pingyang-2019', 'taiyuan-2019']));
  });

  it('every cite is qualified with a seed file name or policies.md', () => {
    const cites: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'cite' && typeof value === 'string') cites.push(value);
          else walk(value);
        }
      }
    };
    for (const id of ['jinjiang-2018', 'pingyang-2019', 'taiyuan-2019']) walk(catalog.get(id)!.source);
    expect(cites.length).toBeGreaterThan(30);
    for (const cite of cites) expect(cite).toMatch(/^(\d{3}_[0-9a-f]{16}\.txt|policies\.md) \S/);
  });

  it('Taiyuan tier values are marked assumed; Pingyang and Jinjiang tier values are not', () => {
    const tierTables = (id: string) => Object.values(catalog.get(id)!.policy.tables).filter((table) => table.by.includes('tier'));
    for (const table of tierTables('taiyuan-2019')) expect(table.assumed).toBe(true);
    for (const id of ['pingyang-2019', 'jinjiang-2018']) for (const table of tierTables(id)) expect(table.assumed || table.rows.some((row) => row.assumed)).toBe(false);
  });
});

describe('a cite is a clause of `document` unless its first word names another source', () => {
  const YJ = readFileSync(path.join(POLICY_DIR, '..', '..', 'examples/policies/yangjiang-2020.yaml'), 'utf8');
  const citeOf = (insuranceDivisionCite: string) => {
    const loaded = parsePolicyFile('yangjiang-2020.yaml', edit(YJ, 'cite: GB/T 2260 阳江市', `cite: ${insuranceDivisionCite}`));
    return [(loaded.source.insuranceDivision as { cite: string }).cite, (loaded.source.area as { cite: string }).cite];
  };
  it.each([
    ['GB/T 2260 阳江市', 'GB/T 2260 阳江市'],
    ['桂医保发〔2019〕12号 第三条', '桂医保发〔2019〕12号 第三条'],
    ['医保发[2020]5号', '医保发[2020]5号'],
    ['《阳江市城乡居民医疗保险办法》第三条', '《阳江市城乡居民医疗保险办法》第三条'],
    ['policies.md yangjiang', 'policies.md yangjiang'],
    ['第三条', 'm.hunanyuer.com/baike/techan/1681601.html 第三条'],
    ['通知(2021)第2条', 'm.hunanyuer.com/baike/techan/1681601.html 通知(2021)第2条'],
    ['GB 阳江', 'm.hunanyuer.com/baike/techan/1681601.html GB 阳江'],
  ])('%s → %s', (written, kept) => {
    const [cite, clause] = citeOf(written);
    expect(cite).toBe(kept);
    expect(clause).toBe('m.hunanyuer.com/baike/techan/1681601.html 表·市内');
  });
});

describe('an invalid policy file is rejected with one line naming the file and the field path', () => {
  const invalid: [string, string, string, RegExp][] = [
    ['a rate given as a number', 'pingyang-2019.yaml', edit(PY, 'value: "0.70" }', 'value: 0.70 }'), /: tables\.rate\.rows\.1\.value: .*expected string/],
    ['a rate that is not a decimal string', 'pingyang-2019.yaml', edit(PY, 'value: "0.70" }', 'value: "70%" }'), /: tables\.rate\.rows\.1\.value: "70%" is not a valid rate value/],
    ['a rate above 1', 'taiyuan-2019.yaml', edit(TY, 'value: "0.85"', 'value: "1.85"'), /: tables\.rate\.rows\.2\.value: "1\.85" is not a valid rate value/],
    ['money with three decimals', 'jinjiang-2018.yaml', edit(JJ, 'amount: "150000"', 'amount: "150000.001"'), /: layers\.0\.caps\.0\.amount: expected an amount/],
    ['an unknown key at the top', 'pingyang-2019.yaml', edit(PY, 'benefitYear: 2019', 'benefitYear: 2019\nbenefitYears: 2019'), /: \(root\): .*"benefitYears"/],
    [
      'an unknown key inside a group',
      'jinjiang-2018.yaml',
      edit(JJ, '    code: REFERRAL_REQUIRED', '    code: REFERRAL_REQUIRED\n    emergencyFactor: "0.9"'),
      /: refusals\.0: .*"emergencyFactor"/,
    ],
    [
      'a missing row for a class (cases)',
      'pingyang-2019.yaml',
      edit(PY, /^ {6}- \{ key: \{ tier: county \}, value: "900" \}\n/m, ''),
      /: tables\.deductible\.rows: no row for tier "county"/,
    ],
    [
      'a missing row for a class (levels)',
      'jinjiang-2018.yaml',
      edit(JJ, /^ {6}- \{ key: \{ tier: "2" \}, value: "400" \}\n/m, ''),
      /: tables\.deductible\.rows: no row for tier "2"/,
    ],
    [
      'a missing outpatient rate for a class',
      'pingyang-2019.yaml',
      edit(PY, /^ {6}- \{ key: \{ tier: township \}, value: "0\.50" \}\n/m, ''),
      /: tables\.outpatientRate\.rows: no row for tier "township"/,
    ],
    ['a missing required field', 'taiyuan-2019.yaml', edit(TY, /^benefitYear: 2019\n/m, ''), /: benefitYear: /],
    [
      'an unknown hospital kind',
      'pingyang-2019.yaml',
      edit(PY, 'kinds: [township-health-center, community-health-center]', 'kinds: [township-hospital]'),
      /: dimensions\.tier\.cases\.0\.when\.kinds\.0: /,
    ],
    [
      'an unknown table',
      'pingyang-2019.yaml',
      edit(PY, 'rate: { table: outpatientRate }', 'rate: { table: outpatientRates }'),
      /: layers\.1\.rate\.table: unknown table "outpatientRates"/,
    ],
    [
      'an unknown ledger',
      'pingyang-2019.yaml',
      edit(PY, 'records: { outpatientPaid: payment }', 'records: { outpatientPayd: payment }'),
      /: layers\.1\.records\.outpatientPayd: unknown ledger "outpatientPayd"/,
    ],
    ['an id that does not carry the benefit year', 'pingyang-2019.yaml', edit(PY, 'benefitYear: 2019', 'benefitYear: 2018'), /: id: id must end with the benefit year 2018/],
    ['an id that does not match the file name', 'pingyang-2018.yaml', PY, /: id: "pingyang-2019" does not match the file name/],
    ['invalid YAML', 'pingyang-2019.yaml', edit(PY, 'benefitYear: 2019', 'benefitYear: [2019'), /: not valid YAML: /],
    ['a YAML file that is not a mapping', 'pingyang-2019.yaml', '- just\n- a list\n', /: \(root\): /],
  ];

  for (const [what, file, text, field] of invalid) {
    it(what, () => {
      const error = rejection(() => parsePolicyFile(`/policies/${file}`, text));
      expect(error).toBeInstanceOf(PolicyFileError);
      expect(error.message).not.toMatch(/[\r\n]/);
      expect(error.message.startsWith(`policy file /policies/${file}: `)).toBe(true);
      expect(error.message).toMatch(field);
    });
  }

  it('loadPolicyDirectory stops at the invalid file and names its path', () => {
    const dir = directory({
      'jinjiang-2018.yaml': JJ,
      'pingyang-2019.yaml': edit(PY, 'value: "900"', 'value: 900'),
    });
    const error = rejection(() => loadPolicyDirectory(dir));
    expect(error).toBeInstanceOf(PolicyFileError);
    expect(error.message).toBe(`policy file ${path.join(dir, 'pingyang-2019.yaml')}: tables.deductible.rows.1.value: Invalid input: expected string, received number`);
  });

  it('an empty or missing directory is rejected with one line', () => {
    const empty = directory({ 'README.txt': 'not a policy' });
    expect(rejection(() => loadPolicyDirectory(empty)).message).toBe(`policy directory ${empty}: no policy files`);
    const missing = path.join(scratch, 'nope');
    const error = rejection(() => loadPolicyDirectory(missing));
    expect(error).toBeInstanceOf(PolicyFileError);
    expect(error.message).toMatch(new RegExp(`^policy directory ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect(error.message).not.toMatch(/\n/);
  });
});

describe('policy parameters are data: a file change, no code change', () => {
  it('a critical-illness scale in a copy of jinjiang-2018 switches the criticalIllness line on', () => {
    const withScale = edit(JJ, /^ {4}missing: .*\n/m, '    bands: { over: compliantSelfBurden, brackets: [{ from: "10000", to: null, rate: "0.50" }] }\n');
    const custom = loadPolicyDirectory(directory({ 'jinjiang-2018.yaml': withScale }));
    const c = { request: { hospitalId: 'QZ-FIRST', charges: { total: '30000' } }, enrollee: { categories: ['rural-only-daughter' as const] } };

    const before = settleOk('jinjiang', c);
    // shipped file: basic = (30000 − 800) × 0.55 = 16060.00; CI 0 (note); R = 13940; SG = 6970.00
    expect(paid(before)).toMatchObject({ basic: '16060.00', criticalIllness: '0.00', specialGroup: '6970.00' });

    const after = settleOk('jinjiang', c, custom);
    // b = 30000 − 16060 = 13940; CI = 0.5 × (13940 − 10000) = 1970.00
    // R = 30000 − 16060 − 1970 = 11970; SG = 0.5 × 11970 = 5985.00
    expect(paid(after)).toEqual({
      basic: '16060.00',
      criticalIllness: '1970.00',
      majorDiseaseReferral: '0.00',
      specialGroup: '5985.00',
      retiredCadreSpouse: '0.00',
    });
    expect(fmt(after.deltas.criticalIllnessPaid)).toBe('1970.00');
    expect(after.notes.some((n) => n.includes('泉医保〔2017〕71号'))).toBe(false);
    const step = after.steps.find((s) => s.rule.endsWith('/critical-illness'))!;
    expect(step.cite).toBe('002_dda74ca139f336db.txt 六(一)6');
  });

  it('the scale in the copy also takes an annual cap from the file', () => {
    const capped = edit(
      JJ,
      /^ {4}missing: .*\n/m,
      '    bands: { over: compliantSelfBurden, brackets: [{ from: "10000", to: null, rate: "0.50" }] }\n    caps: [{ amount: "1000", ledger: criticalIllnessPaid }]\n',
    );
    const custom = loadPolicyDirectory(directory({ 'jinjiang-2018.yaml': capped }));
    const s = settleOk('jinjiang', { request: { charges: { total: '30000' } } }, custom);
    // 1970 → min(1970, 1000 − 0) = 1000.00
    expect(paid(s).criticalIllness).toBe('1000.00');
  });

  it('a copy of pingyang-2019 renamed pingyang-2020 with benefitYear 2020 is selected for a 2020 discharge', () => {
    const py2020 = edit(edit(PY, /^id: pingyang-2019$/m, 'id: pingyang-2020'), /^benefitYear: 2019$/m, 'benefitYear: 2020');
    const custom = loadPolicyDirectory(directory({ 'pingyang-2019.yaml': PY, 'pingyang-2020.yaml': py2020 }));
    const enrollee = { coverage: [{ from: '2019-01-01', to: '2020-12-31' }] };

    const s2020 = settleOk('pingyang', { request: { admissionDate: '2020-03-01', dischargeDate: '2020-03-10', charges: { total: '10000' } }, enrollee }, custom);
    expect(s2020.policyId).toBe('pingyang-2020');
    expect(s2020.benefitYear).toBe(2020);
    expect(paid(s2020).basic).toBe('6370.00'); // (10000 − 900) × 0.70, same parameters
    for (const line of s2020.lines) expect(line.cite).toContain('000_b298e4d9608db673.txt');

    // across the boundary: discharge decides
    const cross = settleOk('pingyang', { request: { admissionDate: '2019-12-25', dischargeDate: '2020-01-03' }, enrollee }, custom);
    expect(cross.policyId).toBe('pingyang-2020');

    const s2019 = settleOk('pingyang', { request: { dischargeDate: '2019-03-10' }, enrollee }, custom);
    expect(s2019.policyId).toBe('pingyang-2019');
  });

  it('two files for the same region and year are rejected', () => {
    const second = edit(PY, /^id: pingyang-2019$/m, 'id: pingyang-extra-2019');
    const dir = directory({ 'pingyang-2019.yaml': PY, 'pingyang-extra-2019.yaml': second });
    const error = rejection(() => loadPolicyDirectory(dir));
    expect(error.message).toMatch(/pingyang-2019 and pingyang-extra-2019 both cover pingyang 2019/);
    expect(error.message).not.toMatch(/\n/);
  });

  it('the same policy id in two files is rejected', () => {
    const dir = directory({ 'pingyang-2019.yaml': PY, 'pingyang-2019.yml': PY });
    const error = rejection(() => loadPolicyDirectory(dir));
    expect(error.message).toMatch(/policy pingyang-2019 is defined twice/);
    expect(error.message).not.toMatch(/\n/);
  });
});
