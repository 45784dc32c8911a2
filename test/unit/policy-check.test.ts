/**
 * npm run policy:check on every shipped and gallery policy file, and on the
 * vocabulary fixtures that exercise every construct (their worked examples
 * settle as written), every error of a broken file listed with its
 * path, and the JSON Schema in schemas/ is the one the code generates.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicyText, formatCheck } from '../../src/policy/check.js';
import { policyJsonSchema } from '../../src/policy/json-schema.js';
import { enrolleeSchema } from '../../src/contract/registry.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const DIRS = ['config/policies', 'examples/policies', 'test/fixtures/policies'].map((dir) => path.join(ROOT, dir)).filter((dir) => existsSync(dir));
const FILES = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(dir, name)),
);

describe('policy:check on every policy file', () => {
  it('finds the shipped files', () => {
    expect(FILES.some((file) => file.includes(`${path.sep}config${path.sep}policies${path.sep}`))).toBe(true);
  });
  for (const file of FILES) {
    it(path.relative(ROOT, file), () => {
      const text = readFileSync(file, 'utf8');
      const schema = path.relative(path.dirname(file), path.join(ROOT, 'schemas/policy.schema.json'));
      expect(text.startsWith(`# yaml-language-server: $schema=${schema}`)).toBe(true);
      const check = checkPolicyText(file, text);
      expect(check.ok, formatCheck(check)).toBe(true);
      expect(check.examples.length, 'a policy file carries worked examples').toBeGreaterThan(0);
    });
  }
});

describe('policy:check reports', () => {
  const PY = readFileSync(path.join(ROOT, 'config/policies/pingyang-2019.yaml'), 'utf8');

  it('every error of a file, each with its path', () => {
    const broken = PY.replace('value: "0.70" }', 'value: 0.70 }').replace('op: subtract', 'op: minus').replace('benefitYear: 2019', 'benefitYear: "2019"');
    const check = checkPolicyText('/x/pingyang-2019.yaml', broken);
    expect(check.ok).toBe(false);
    expect(check.errors.length).toBe(3);
    expect(check.errors.some((e) => e.startsWith('benefitYear: '))).toBe(true);
    expect(check.errors.some((e) => e.startsWith('tables.rate.rows.1.value: '))).toBe(true);
    expect(check.errors.some((e) => e.startsWith('adjustments.0.op: '))).toBe(true);
    expect(formatCheck(check).split('\n')[0]).toMatch(/3 errors$/);
  });

  it('a cross-reference error is listed with its path', () => {
    const check = checkPolicyText('/x/pingyang-2019.yaml', PY.replace('rate: { table: outpatientRate }', 'rate: { table: nope }'));
    expect(check.errors).toContain('layers.1.rate.table: unknown table "nope"');
  });

  it('a wrong expectation prints expected against computed, and the steps', () => {
    const check = checkPolicyText('/x/pingyang-2019.yaml', PY.replace('basic: "6370.00"', 'basic: "6371.00"'));
    expect(check.ok).toBe(false);
    const text = formatCheck(check);
    expect(text).toContain('basic: expected 6371.00, computed 6370.00');
    expect(text).toMatch(/step pingyang-2019\/inpatient\/rate: /);
  });

  it('lists the assumed values of a file and of each example', () => {
    const taiyuan = checkPolicyText('/x/taiyuan-2019.yaml', readFileSync(path.join(ROOT, 'config/policies/taiyuan-2019.yaml'), 'utf8'));
    expect(taiyuan.assumed.some((a) => a.startsWith('tables.rate'))).toBe(true);
    expect(taiyuan.examples[0]!.lines.some((l) => l.includes('assumed: tables.rate[tier "3"] = 0.70'))).toBe(true);
  });
});

describe('policy:check on tables keyed by built-in facts, with no default', () => {
  const AH = readFileSync(path.join(ROOT, 'examples/policies/anhui-2024.yaml'), 'utf8');
  const RATE = /^ {2}rate:\n[\s\S]*?decision: the city's own rates are not in the page; 85\/75\/65% stand in\n/m;
  const keyed = (levels: string[]) =>
    AH.replace(
      RATE,
      [
        '  rate:',
        '    label: 报销比例',
        '    unit: rate',
        '    by: [location, hospital.level]',
        '    cite: 报销比例',
        '    rows:',
        ...levels.map((l) => `      - { key: { location: [in-city, in-province, out-of-province], hospital.level: "${l}" }, value: "${{ 1: '0.85', 2: '0.75', 3: '0.65' }[l]}" }`),
        '  filedShare:',
        '    unit: rate',
        '    by: [filed]',
        '    cite: 报销比例',
        '    rows:',
        '      - { key: { filed: "true" }, value: "1" }',
        '      - { key: { filed: "false" }, value: "0.9" }',
        '',
      ].join('\n'),
    );

  it('takes rows for every level and every filed value as complete', () => {
    expect(AH).toMatch(RATE);
    const check = checkPolicyText('/x/anhui-2024.yaml', keyed(['1', '2', '3']));
    expect(check.ok, formatCheck(check)).toBe(true);
  });

  it('names the missing level of a table keyed by a dimension and hospital.level', () => {
    const check = checkPolicyText('/x/anhui-2024.yaml', keyed(['1', '3']));
    expect(check.ok).toBe(false);
    expect(check.errors).toContain('tables.rate.rows: no row for location "in-city", hospital.level "2" (add one, or a default; "not-covered" says it is not covered)');
    expect(check.errors.filter((e) => e.includes('no row')).length).toBe(3);
  });
});

describe("a region's own person categories (宿迁 低保边缘)", () => {
  const SQ = readFileSync(path.join(ROOT, 'examples/policies/suqian-2024.yaml'), 'utf8');

  it('are used as "<region>.<name>" once declared', () => {
    const check = checkPolicyText('/x/suqian-2024.yaml', SQ);
    expect(check.ok, formatCheck(check)).toBe(true);
    expect(check.examples.find((e) => e.name.startsWith('低保边缘'))!.ok).toBe(true);
  });

  it("an undeclared or another region's category is an error at its path", () => {
    const undeclared = checkPolicyText('/x/suqian-2024.yaml', SQ.replace('  near-low-income: { label: 低保边缘', '  near-poor: { label: 低保边缘'));
    expect(undeclared.errors.some((e) => /^layers\.1\.options\.2\.when\.categoriesAny\.0: "suqian\.near-low-income" is not declared/.test(e))).toBe(true);
    expect(undeclared.errors.some((e) => /^tests\.\d+\.person\.categories\.0: /.test(e))).toBe(true);
    const foreign = checkPolicyText('/x/suqian-2024.yaml', SQ.replace('categoriesAny: [suqian.near-low-income]', 'categoriesAny: [huaian.near-low-income]'));
    expect(foreign.errors).toContain('layers.1.options.2.when.categoriesAny.0: "huaian.near-low-income" is not declared under categories (write "suqian.<name>")');
  });

  it('the registry takes them, and refuses what is neither listed nor "<region>.<name>"', () => {
    const person = { region: 'suqian', sex: 'F', birthDate: '1970-01-01', coverage: [] };
    expect(enrolleeSchema.safeParse({ ...person, categories: ['suqian.near-low-income', 'destitute'] }).success).toBe(true);
    for (const bad of ['near-low-income', 'Suqian.X', 'suqian.', 'a.b.c', 'suqian.near low'])
      expect(enrolleeSchema.safeParse({ ...person, categories: [bad] }).success, bad).toBe(false);
  });
});

describe('band rates looked up in a table (南江 level × segment)', () => {
  const NJ = readFileSync(path.join(ROOT, 'examples/policies/najiang-2020.yaml'), 'utf8');
  it('a band naming an unknown table, or a table of money, is an error at its path', () => {
    const unknown = checkPolicyText('/x/najiang-2020.yaml', NJ.replace('rate: { table: segmentToFiftyThousand }', 'rate: { table: nope }'));
    expect(unknown.errors).toContain('layers.0.bands.brackets.1.rate.table: unknown table "nope"');
    const money = checkPolicyText('/x/najiang-2020.yaml', NJ.replace('rate: { table: segmentToFiftyThousand }', 'rate: { table: deductible }'));
    expect(money.errors).toContain('layers.0.bands.brackets.1.rate.table: table "deductible" holds money, expected rate');
  });
});

describe('an assumed benefit year', () => {
  it('is written { year, cite, decision, assumed }, listed among the assumed values, and settles as the number', () => {
    const AH = readFileSync(path.join(ROOT, 'examples/policies/anhui-2024.yaml'), 'utf8');
    const text = AH.replace('benefitYear: 2024\n', 'benefitYear: { year: 2024, cite: 住院, assumed: true, decision: the page is dated 2024-03-07 }\n');
    expect(text).not.toBe(AH);
    const check = checkPolicyText('/x/anhui-2024.yaml', text);
    expect(check.ok, formatCheck(check)).toBe(true);
    expect(check.assumed.some((a) => a.startsWith('benefitYear'))).toBe(true);
    const wrong = checkPolicyText('/x/anhui-2024.yaml', text.replace('year: 2024,', 'year: 2025,'));
    expect(wrong.errors.some((e) => e.startsWith('id: id must end with the benefit year 2025'))).toBe(true);
  });
});

describe('schemas/policy.schema.json', () => {
  it('is what the code generates (npm run policy:schema)', () => {
    const onDisk = readFileSync(path.join(ROOT, 'schemas/policy.schema.json'), 'utf8');
    expect(onDisk).toBe(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  });
});
