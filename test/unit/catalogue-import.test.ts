/**
 * The catalogue import tool (src/catalogue/import.ts, npm run catalogue:import):
 * Chinese and English headers, 甲/乙/丙 and 01–03, 10% and 0.1, categories by
 * name or code; every bad row reported with its line number; the same input
 * gives the same bytes; the output is a catalogue the server loads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogueImportError, importCatalogue, mapHeaders } from '../../src/catalogue/import.js';
import { loadCatalogueFile } from '../../src/catalogue/loader.js';
import { ROOT } from '../helpers/worked-examples.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'catalogue-import-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

async function run(text: string | Buffer, encoding?: string) {
  const dir = path.join(scratch, `r${++files}`);
  execFileSync('mkdir', ['-p', dir]);
  const input = path.join(dir, 'export.csv');
  writeFileSync(input, text);
  const out = path.join(dir, 'out.csv');
  const rejects = path.join(dir, 'out.rejected.csv');
  const result = await importCatalogue({ input, id: 'imported', out, rejects, ...(encoding ? { encoding } : {}) });
  return { result, out: readFileSync(out, 'utf8'), rejects: readFileSync(rejects, 'utf8'), input, outFile: out };
}

const CANONICAL_HEADER = 'code,name,level,selfPayRatio,priceCeiling,category,validFrom,validTo';

const CHINESE = [
  '\uFEFF医保目录编码,名称,收费项目等级,自付比例,限价,收费类别,开始日期,结束日期,生产企业,备注',
  'XJ01CAA040A001010101445,阿莫西林胶囊,甲,0%,,西药费,2019/1/1,,某药厂,',
  'XJ01DCC108A001010101234,头孢呋辛酯片,乙,10%,,西药,2019-01-01,2019-12-31,某药厂,',
  'C0301010010000000000,一次性使用无菌注射器,乙类,0.2,2.5元,卫生材料费,20190101,2019-12-31 23:59:59,,',
  '001101000040000-110100004,特需病房床位费,丙,100%,,床位费,,,,',
  '001101000010000-110100001,普通病房床位费,甲类,,"1,200",1,,,,',
  'ZA01AAA0001010101234,"复方丹参滴丸, 薄膜衣",2,15%,0,11,,,,',
].join('\r\n');

const EXPECTED = [
  CANONICAL_HEADER,
  'XJ01CAA040A001010101445,阿莫西林胶囊,01,,,09,2019-01-01,',
  'XJ01DCC108A001010101234,头孢呋辛酯片,02,0.1,,09,2019-01-01,2019-12-31',
  'C0301010010000000000,一次性使用无菌注射器,02,0.2,2.50,08,2019-01-01,2019-12-31',
  '001101000040000-110100004,特需病房床位费,03,,,01,,',
  '001101000010000-110100001,普通病房床位费,01,,1200.00,01,,',
  'ZA01AAA0001010101234,"复方丹参滴丸, 薄膜衣",02,0.15,,11,,',
  '',
].join('\n');

describe('header mapping and values', () => {
  it('Chinese headers; 甲/乙/丙; 10% and 0.2; ceilings with 元 and thousands; categories by name or code; dates in several forms', async () => {
    const { result, out, rejects } = await run(CHINESE);
    expect(out).toBe(EXPECTED);
    expect(result).toMatchObject({ rows: 6, written: 6, rejected: 0, ignoredHeaders: ['生产企业', '备注'] });
    expect(rejects).toBe('line,code,column,reason\n');
  });

  it('the canonical English headers with 01–03 and decimal ratios give the same file', async () => {
    const { out } = await run(EXPECTED);
    expect(out).toBe(EXPECTED);
  });

  it('headers in another order, with spaces, and 支付标准 for the ceiling', async () => {
    const text = ['收费类别, 名称 ,医保目录编码,支付标准,收费项目等级,自付比例', '09,阿莫西林胶囊,XJ01CAA040A001010101445,,01,', '08,注射器,C0301010010000000000,2.50,02,10%'].join(
      '\n',
    );
    const { out } = await run(text);
    expect(out).toBe([CANONICAL_HEADER, 'XJ01CAA040A001010101445,阿莫西林胶囊,01,,,09,,', 'C0301010010000000000,注射器,02,0.1,2.50,08,,', ''].join('\n'));
  });

  it('GB18030 exports decode with --encoding', async () => {
    // 医保目录编码,名称,收费项目等级,自付比例,支付标准,收费类别 + two rows, encoded in GB18030
    const bytes = Buffer.from(
      'd2bdb1a3c4bfc2bcb1e0c2eb2cc3fbb3c62ccad5b7d1cfeec4bfb5c8bcb62cd7d4b8b6b1c8c0fd2cd6a7b8b6b1ead7bc2ccad5b7d1c0e0b1f00d0a584a3031434141303430413030313031303130313434352cb0a2c4aacef7c1d6bdbac4d22cbcd72c302c2ccef7d2a90d0a43303330313031303031303030303030303030302cd2bbb4ced0d4cab9d3c3cedebefad7a2c9e4c6f72cd2d2c0e02c3230252c322e30302ccec0c9fab2c4c1cfb7d10d0a',
      'hex',
    );
    const { out } = await run(bytes, 'gb18030');
    expect(out).toBe([CANONICAL_HEADER, 'XJ01CAA040A001010101445,阿莫西林胶囊,01,,,09,,', 'C0301010010000000000,一次性使用无菌注射器,02,0.2,2.00,08,,', ''].join('\n'));
  });

  it('a header without a code, name, level or category column is refused, naming the accepted names', () => {
    expect(() => mapHeaders(['名称', '收费项目等级', '收费类别'])).toThrow(CatalogueImportError);
    expect(() => mapHeaders(['名称', '收费项目等级', '收费类别'])).toThrow(/no column for code .*医保目录编码/);
    expect(() => mapHeaders(['医保目录编码', '名称', '收费项目等级', '收费类别', '限价', '支付标准'])).toThrow(/"限价" and "支付标准" both map to priceCeiling/);
  });
});

describe('rejected rows', () => {
  const text = [
    '医保目录编码,名称,收费项目等级,自付比例,限价,收费类别,开始日期,结束日期',
    'A1,好的,甲,,,09,,', // line 2: fine
    'A2,等级不对,丁,,,09,,', // 3
    'A3,乙无比例,乙,,,09,,', // 4
    'A4,比例过大,乙,120%,,09,,', // 5
    'A5,类别不对,甲,,,药费,,', // 6
    'A6,限价不对,甲,,十元,09,,', // 7
    'A7,日期不对,甲,,,09,2019-02-30,', // 8
    'A8,日期颠倒,甲,,,09,2019-05-01,2019-04-01', // 9
    'A1,重复,甲,,,09,,', // 10
    'A 9,编码不对,甲,,,09,,', // 11
    'A10,甲有比例,甲,10%,,09,,', // 12
    'A11,"引号未闭,甲,,,09,,', // 13: an unclosed quote swallows the rest
  ].join('\n');

  it('every bad row is listed with its line number, column and reason; the good ones are written', async () => {
    const { result, out, rejects } = await run(text);
    expect(out).toBe(`${CANONICAL_HEADER}\nA1,好的,01,,,09,,\n`);
    expect(result.written).toBe(1);
    const rows = rejects
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',').slice(0, 3).join(','));
    expect(rows).toEqual([
      '3,A2,level',
      '4,A3,selfPayRatio',
      '5,A4,selfPayRatio',
      '6,A5,category',
      '7,A6,priceCeiling',
      '8,A7,validFrom',
      '9,A8,validTo',
      '10,A1,validFrom',
      '11,A 9,code',
      '12,A10,selfPayRatio',
      expect.stringMatching(/^1[34],,$/),
    ]);
    expect(result.rejected).toBe(11);
    expect(rejects).toContain('3,A2,level,"level ""丁"" is not 甲/乙/丙 or 01–03"');
    expect(rejects).toContain('10,A1,validFrom,"code A1 is already valid (open)..(open), which overlaps (open)..(open)"');
  });

  it('re-running on the same input gives the same output and report, byte for byte', async () => {
    const first = await run(text);
    const second = await run(text);
    expect(second.out).toBe(first.out);
    expect(second.rejects).toBe(first.rejects);
    const big = await run(CHINESE);
    const again = await run(CHINESE);
    expect(Buffer.from(again.out).equals(Buffer.from(big.out))).toBe(true);
  });

  it('the output loads as a catalogue', async () => {
    const { outFile } = await run(CHINESE);
    const catalogue = await loadCatalogueFile('imported', outFile);
    expect(catalogue.size).toBe(6);
    expect(catalogue.lookup('C0301010010000000000', '2019-06-01')!.selfPayRatio!.toString()).toBe('0.2');
  });
});

describe('npm run catalogue:import', () => {
  it('writes the file and the report and says how many rows went where', () => {
    const dir = mkdtempSync(path.join(scratch, 'cli-'));
    const input = path.join(dir, 'export.csv');
    writeFileSync(input, `${CHINESE}\r\nBAD,x,丁,,,09,,,,\r\n`);
    const out = path.join(dir, 'zj.csv');
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/catalogue-import.ts'), input, '--id', 'zhejiang-2020', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^7 rows read in [\d.]+ s \(\d+ rows\/s\)\n6 written to .*zj\.csv\n1 rejected, each with its line number and reason, in .*zj\.rejected\.csv\ncolumns not imported: 生产企业, 备注\n$/,
    );
    expect(readFileSync(out, 'utf8')).toBe(EXPECTED);
    expect(readFileSync(path.join(dir, 'zj.rejected.csv'), 'utf8')).toMatch(/^line,code,column,reason\n8,BAD,level,/);
  });

  it('without --id, or with an unreadable file, exits 1 with one line', () => {
    const noId = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/catalogue-import.ts'), 'x.csv'], { cwd: ROOT, encoding: 'utf8' });
    expect(noId.status).toBe(1);
    expect(noId.stderr).toMatch(/^catalogue import failed: usage: npm run catalogue:import/);
    const missing = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src/cli/catalogue-import.ts'), path.join(scratch, 'absent.csv'), '--id', 'x', '--out', path.join(scratch, 'x.csv')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/absent\.csv: ENOENT/);
  });
});
