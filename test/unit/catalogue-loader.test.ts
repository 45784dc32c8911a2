/**
 * Catalogue files as data (src/catalogue/): a bad file is rejected with one
 * line naming the file, the row and the column; the demo catalogues load, are
 * shared by the policies that name them, and are exactly the generator's output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogueFileError, catalogueIdsOf, loadCatalogueFile, loadCatalogues, parseCatalogueText, reloadCatalogues } from '../../src/catalogue/loader.js';
import { DEMO_CATALOGUES, catalogueCsv, generateDemoCatalogue } from '../../scripts/lib/demo-catalogue.js';
import { catalog } from '../helpers/engine-fixtures.js';
import { CATALOGUE_DIR } from '../helpers/worked-examples.js';

const HEADER = 'code,name,level,selfPayRatio,priceCeiling,category,validFrom,validTo';
const GOOD = 'A1,阿莫西林胶囊,01,,,09,,';
const scratch = mkdtempSync(path.join(tmpdir(), 'catalogue-loader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function rejection(text: string): string {
  try {
    parseCatalogueText('t', 'cat/t.csv', text);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogueFileError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected the catalogue to be rejected');
}

describe('shipped demo catalogues', () => {
  it('one per policy, named by the policy files and loaded from config/catalogues', async () => {
    expect(catalogueIdsOf(catalog)).toEqual(['quanzhou-2018-demo', 'shanxi-2019-demo', 'zhejiang-2019-demo']);
    const loaded = await loadCatalogues(CATALOGUE_DIR, catalog);
    for (const [id, catalogue] of loaded) {
      expect(catalogue.id).toBe(id);
      expect(catalogue.size).toBeGreaterThan(300);
    }
  });

  it('hold all three levels, several 乙 ratios, ceilings and validity periods', () => {
    for (const spec of DEMO_CATALOGUES) {
      const entries = generateDemoCatalogue(spec);
      expect(new Set(entries.map((e) => e.level))).toEqual(new Set(['01', '02', '03']));
      expect(new Set(entries.filter((e) => e.level === '02').map((e) => e.selfPayRatio!.toString())).size).toBeGreaterThanOrEqual(2);
      expect(entries.filter((e) => e.priceCeiling !== null).length).toBeGreaterThan(30);
      expect(entries.filter((e) => e.validTo !== null).length).toBeGreaterThan(5);
      expect(entries.some((e) => /^X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}A\d{12}$/.test(e.code))).toBe(true);
      expect(entries.some((e) => /^\d{15}-\d{9}$/.test(e.code))).toBe(true);
      expect(entries.some((e) => /^C\d{19}$/.test(e.code))).toBe(true);
    }
  });

  it('are exactly what the generator writes (npm run catalogue:demo), byte for byte', () => {
    for (const spec of DEMO_CATALOGUES) {
      const committed = readFileSync(path.join(CATALOGUE_DIR, `${spec.id}.csv`), 'utf8');
      expect(catalogueCsv(generateDemoCatalogue(spec))).toBe(committed);
    }
  });

  it('the policy files mark them assumed and cite where the catalogue comes from', () => {
    const cites = catalog.policies.map((p) => [p.id, p.catalogue.cite, p.catalogue.assumed]);
    expect(cites).toEqual(
      expect.arrayContaining([
        ['jinjiang-2018', '002_dda74ca139f336db.txt 六(一)2', true],
        ['pingyang-2019', 'policies.md Catalogue', true],
        ['taiyuan-2019', 'policies.md Catalogue', true],
      ]),
    );
  });
});

describe('a bad file is refused with file, row and column', () => {
  const cases: [string, string, RegExp][] = [
    ['wrong header', 'code,name,level\nA1,x,01', /^catalogue file cat\/t\.csv: row 1: the header must be code,name,level,selfPayRatio,priceCeiling,category,validFrom,validTo$/],
    ['unknown level', `${HEADER}\n${GOOD}\nA2,x,04,,,09,,`, /^catalogue file cat\/t\.csv: row 3, column level: expected 01 \(甲\), 02 \(乙\) or 03 \(丙\)$/],
    ['甲 with a ratio', `${HEADER}\nA2,x,01,0.1,,09,,`, /row 2, column selfPayRatio: only 乙 \(02\) items carry a self-pay ratio/],
    ['乙 without a ratio', `${HEADER}\nA2,x,02,,,09,,`, /row 2, column selfPayRatio: a 乙 \(02\) item needs its self-pay ratio/],
    ['ratio above 1', `${HEADER}\nA2,x,02,1.5,,09,,`, /row 2, column selfPayRatio: expected a ratio between 0 and 1/],
    ['ratio as a percent', `${HEADER}\nA2,x,02,10%,,09,,`, /row 2, column selfPayRatio/],
    ['negative ceiling', `${HEADER}\nA2,x,01,,-1,09,,`, /row 2, column priceCeiling/],
    ['ceiling with 7 decimals', `${HEADER}\nA2,x,01,,1.1234567,09,,`, /row 2, column priceCeiling/],
    ['unknown category', `${HEADER}\nA2,x,01,,,15,,`, /row 2, column category: expected a national fee category 01–14/],
    ['category without its zero', `${HEADER}\nA2,x,01,,,9,,`, /row 2, column category/],
    ['bad date', `${HEADER}\nA2,x,01,,,09,2019-02-30,`, /row 2, column validFrom: expected a date YYYY-MM-DD or nothing/],
    ['validTo before validFrom', `${HEADER}\nA2,x,01,,,09,2019-05-01,2019-04-30`, /row 2, column validTo: validTo 2019-04-30 is before validFrom 2019-05-01/],
    [
      'overlapping periods of one code',
      `${HEADER}\nA2,x,01,,1,09,,2019-06-30\nA2,x,01,,2,09,2019-06-30,`,
      /row 3, column validFrom: code A2 is already valid \(open\)\.\.2019-06-30, which overlaps 2019-06-30\.\.\(open\)/,
    ],
    ['the same code twice', `${HEADER}\n${GOOD}\n${GOOD}`, /row 3, column validFrom: code A1 is already valid/],
    ['a missing column', `${HEADER}\nA2,x,01,,,09,`, /row 2, column validTo: missing \(the row has 7 of 8 columns\)/],
    ['an extra column', `${HEADER}\nA2,x,01,,,09,,,`, /row 2, column 9: unexpected extra column/],
    ['an empty name', `${HEADER}\nA2,,01,,,09,,`, /row 2, column name: required/],
    ['a code with a space', `${HEADER}\nA 2,x,01,,,09,,`, /row 2, column code/],
    ['an unclosed quote', `${HEADER}\n${GOOD}\nA2,"x,01,,,09,,`, /^catalogue file cat\/t\.csv: row 3, column name: Quote Not Closed/],
    ['no header at all', '', /^catalogue file cat\/t\.csv: empty/],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, () => {
      expect(rejection(text)).toMatch(pattern);
    });
  }

  it('a missing file names the file', async () => {
    await expect(loadCatalogueFile('x', path.join(scratch, 'absent.csv'))).rejects.toThrow(/^catalogue file .*absent\.csv: ENOENT/);
  });

  it('the streaming loader reports the same row and column', async () => {
    const file = path.join(scratch, 'bad.csv');
    writeFileSync(file, `${HEADER}\n${GOOD}\nA2,x,01,,,09,,\nA3,x,02,,,09,,\n`);
    await expect(loadCatalogueFile('bad', file)).rejects.toThrow(`catalogue file ${file}: row 4, column selfPayRatio: a 乙 (02) item needs its self-pay ratio`);
  });
});

describe('a fault early in a large file', () => {
  it('is reported as itself, not as the aborted read', async () => {
    const file = path.join(scratch, 'large-bad.csv');
    const rows = Array.from({ length: 40_000 }, (_, i) => `A${i},item,01,,,09,,`);
    rows[1] = 'A1,item,01,,,99,,';
    writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
    await expect(loadCatalogueFile('large', file)).rejects.toThrow(`catalogue file ${file}: row 3, column category: expected a national fee category 01–14`);
  });
});

describe('what a good file may look like', () => {
  it('a BOM, CRLF line ends, quoted names with commas, blank lines', () => {
    const text = `\uFEFF${HEADER}\r\nA1,"阿莫西林胶囊, 0.25g",01,,,09,,\r\n\r\nB1,x,02,0.15,12.345678,08,2019-01-01,2019-12-31\r\n`;
    const catalogue = parseCatalogueText('t', 't.csv', text);
    expect(catalogue.size).toBe(2);
    expect(catalogue.lookup('A1', '2019-03-01')!.name).toBe('阿莫西林胶囊, 0.25g');
    expect(catalogue.lookup('B1', '2019-03-01')!.priceCeiling!.toString()).toBe('12.345678');
    expect(catalogue.lookup('B1', '2020-01-01')).toBeUndefined();
  });

  it('a code may recur with periods that do not overlap', () => {
    const catalogue = parseCatalogueText('t', 't.csv', `${HEADER}\nA1,x,01,,1.00,09,,2019-06-30\nA1,x,01,,2.00,09,2019-07-01,2019-12-31\nA1,x,01,,3.00,09,2020-01-01,`);
    expect(catalogue.periodsOf('A1')).toHaveLength(3);
    expect(catalogue.lookup('A1', '2019-06-30')!.priceCeiling!.toString()).toBe('1');
    expect(catalogue.lookup('A1', '2019-07-01')!.priceCeiling!.toString()).toBe('2');
    expect(catalogue.lookup('A1', '2031-01-01')!.priceCeiling!.toString()).toBe('3');
  });
});

describe('reload (SIGHUP)', () => {
  it('a bad new file keeps the catalogue already loaded; good files take effect', async () => {
    const dir = mkdtempSync(path.join(scratch, 'reload-'));
    for (const spec of DEMO_CATALOGUES) writeFileSync(path.join(dir, `${spec.id}.csv`), readFileSync(path.join(CATALOGUE_DIR, `${spec.id}.csv`)));
    const first = await loadCatalogues(dir, catalog);
    writeFileSync(path.join(dir, 'zhejiang-2019-demo.csv'), `${HEADER}\nA1,x,09,,,09,,\n`);
    writeFileSync(path.join(dir, 'shanxi-2019-demo.csv'), `${HEADER}\nNEW1,新项目,01,,,09,,\n`);
    const { catalogues, errors } = await reloadCatalogues(dir, catalog, first);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/zhejiang-2019-demo\.csv: row 2, column level/);
    expect(catalogues.get('zhejiang-2019-demo')).toBe(first.get('zhejiang-2019-demo'));
    expect(catalogues.get('shanxi-2019-demo')!.lookup('NEW1', '2019-01-01')).toBeDefined();
    expect(catalogues.get('quanzhou-2018-demo')!.size).toBe(first.get('quanzhou-2018-demo')!.size);
  });
});
