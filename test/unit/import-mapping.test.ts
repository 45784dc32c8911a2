/** CSV headers (Chinese and English) → registry rows, and the cell conversions, against the API's own row schemas. */
import { describe, expect, it } from 'vitest';
import { HeaderError, mapHeaders, placeOf, regionNamesOf, toIsoDate, toLevel, toRegion, toSex } from '../../src/import/mapping.js';
import { regionsOfPolicyDirectory, scanIdentity } from '../../src/import/regions.js';
import { validateRow } from '../../src/import/rows.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { POLICY_DIR, ROOT } from '../helpers/worked-examples.js';

/** The regions as the import command knows them: from the loaded policies. */
const regions = regionNamesOf(loadPolicyDirectory(POLICY_DIR).regions);

describe('enrollee files', () => {
  const expected = {
    card: '330326199001010011',
    region: 'pingyang',
    sex: 'F',
    birthDate: '1990-05-01',
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
    categories: ['low-income-assistance', 'registered-poor'],
    specialDiseases: ['sle', 'diabetes'],
    maternityInsured: true,
  };

  it('Chinese headers, Chinese values', () => {
    const { mapper, ignored } = mapHeaders(
      'enrollees',
      ['\uFEFF社会保障卡号', '统筹区', '性别', '出生日期', '参保开始', '参保结束', '人员类别', '特殊病种', '生育保险', '备注'],
      regions,
    );
    expect(ignored).toEqual(['备注']);
    const row = mapper(['330326199001010011', '平阳县', '女', '1990/5/1', '2019-01-01', '20191231', '低保、建档立卡', 'sle;diabetes', '是', 'x']);
    const checked = validateRow('enrollees', row);
    expect(checked.ok && checked.row.record).toEqual(expected);
  });

  it('English headers (any case, spaces or underscores), codes, a coverage column with several periods', () => {
    const { mapper } = mapHeaders('enrollees', ['Card', 'REGION', 'sex', 'birth_date', 'coverage', 'categories', 'special diseases', 'maternity']);
    const row = mapper([
      '330326199001010011',
      'pingyang',
      '2',
      '1990-05-01',
      '2018-01-01~2018-12-31; 2019-01-01 至 2019-12-31',
      'low-income-assistance|registered-poor',
      'sle,diabetes',
      'Y',
    ]);
    const checked = validateRow('enrollees', row);
    expect(checked.ok && checked.row.record).toEqual({ ...expected, coverage: [{ from: '2018-01-01', to: '2018-12-31' }, expected.coverage[0]] });
  });

  it('empty optional cells take the API defaults', () => {
    const { mapper } = mapHeaders('enrollees', ['card', 'region', 'sex', 'birthDate', 'coverageFrom', 'coverageTo', 'categories', 'maternityInsured']);
    const checked = validateRow('enrollees', mapper(['A1', 'jinjiang', 'M', '1970-01-01', '2018-01-01', '2018-12-31', '', '']));
    expect(checked.ok && checked.row.record).toMatchObject({ categories: [], specialDiseases: [], maternityInsured: false });
  });

  it('a cell that cannot be converted is reported under its field', () => {
    const mapping = mapHeaders('enrollees', ['卡号', '统筹区', '性别', '出生日期', '参保开始', '参保结束', '人员类别'], regions);
    const checked = validateRow('enrollees', mapping.mapper(['A:1', '平阳', '未知', '1990-02-30', '2019-01-01', '', '外星人']));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map((e) => e.path).sort()).toEqual(['birthDate', 'card', 'categories.0', 'coverage.0.to', 'sex']);
    expect(mapping.columnOf('coverage.0.to')).toBe('参保开始/参保结束');
    expect(mapping.columnOf('sex')).toBe('性别');
  });

  it('a file without a required column, or with two columns for one field, is refused before any row', () => {
    expect(() => mapHeaders('enrollees', ['card', 'region', 'sex', 'coverage'])).toThrow(/no column for birthDate/);
    expect(() => mapHeaders('enrollees', ['card', 'region', 'sex', 'birthDate'])).toThrow(/no column for coverage/);
    expect(() => mapHeaders('enrollees', ['card', '卡号', 'region', 'sex', 'birthDate', 'coverage'])).toThrow(HeaderError);
  });
});

describe('regions, by the loaded policies', () => {
  it('the seed regions by id, division code and the place their policies name', () => {
    for (const cell of ['平阳县', '平阳', '330326', 'pingyang', ' PINGYANG ']) expect(toRegion(cell, regions)).toBe('pingyang');
    for (const cell of ['太原市', '太原', '140100']) expect(toRegion(cell, regions)).toBe('taiyuan');
    for (const cell of ['晋江市', '晋江', '350582']) expect(toRegion(cell, regions)).toBe('jinjiang');
  });

  it('a region added as a policy file is known with no code change; without policies no name is', () => {
    const more = regionNamesOf([
      { region: 'zhaoqing', names: ['肇庆市2021年城乡居民基本医疗保险'], admdvs: '441200' },
      { region: 'wuwei', names: ['无为市城乡居民医保'], admdvs: '340225' },
    ]);
    expect(['肇庆市', '肇庆', '441200'].map((cell) => toRegion(cell, more))).toEqual(['zhaoqing', 'zhaoqing', 'zhaoqing']);
    expect(['无为市', '无为', '340225'].map((cell) => toRegion(cell, more))).toEqual(['wuwei', 'wuwei', 'wuwei']);
    expect(toRegion('平阳县', more)).toBe('平阳县');
    expect(toRegion('平阳县')).toBe('平阳县');
  });

  it('a name two regions share names neither', () => {
    const both = regionNamesOf([
      { region: 'nanjing-gulou', names: ['鼓楼区2020年城乡居民医疗保险'], admdvs: '320106' },
      { region: 'fuzhou-gulou', names: ['鼓楼区2020年城乡居民医疗保险'], admdvs: '350102' },
    ]);
    expect(toRegion('鼓楼区', both)).toBe('鼓楼区');
    expect(toRegion('320106', both)).toBe('nanjing-gulou');
  });

  it('the import command scans the policy files for the same regions a full load gives (shipped and gallery)', async () => {
    for (const dir of [POLICY_DIR, `${ROOT}/examples/policies`]) {
      expect(await regionsOfPolicyDirectory(dir)).toEqual(loadPolicyDirectory(dir).regions);
    }
    expect(scanIdentity('id: a-2020\nregion: a\nname: "甲县2020年城乡居民医保"\ninsuranceDivision: { admdvs: "123456", cite: x }\n')).toEqual({
      region: 'a',
      name: '甲县2020年城乡居民医保',
      admdvs: '123456',
    });
    // A file not written plainly is loaded in full instead.
    expect(scanIdentity('{ "id": "a-2020", "region": "a" }')).toBeNull();
    expect(scanIdentity('region: a\nname: b\ninsuranceDivision:\n  cite: x\nother:\n  admdvs: "123456"\n')).toBeNull();
  });

  it('the place a policy name starts with', () => {
    expect(placeOf('平阳县2019年城乡居民基本医疗保险')).toBe('平阳县');
    expect(placeOf('宿迁市城乡居民医保')).toBe('宿迁市');
    expect(placeOf('2019年城乡居民基本医疗保险')).toBeNull();
  });
});

describe('hospital files', () => {
  it('Chinese headers: 医院等级 in words, 类型 by name, 县属 是/否, the national code', () => {
    const { mapper } = mapHeaders('hospitals', ['医院编码', '医院名称', '行政区划', '医院等级', '类型', '县属', '医联体', '国家机构编码']);
    const checked = validateRow('hospitals', mapper(['JJ-TCM', '晋江市中医院', '350582', '二级甲等', '中医医院', '是', 'JJ-1', 'h35058200011']));
    expect(checked.ok && checked.row.record).toEqual({
      hospitalId: 'JJ-TCM',
      name: '晋江市中医院',
      admdvs: '350582',
      level: 2,
      kind: 'tcm',
      countyRun: true,
      consortium: 'JJ-1',
      fixmedinsCode: 'H35058200011',
    });
  });

  it('English headers and codes', () => {
    const { mapper } = mapHeaders('hospitals', ['hospitalId', 'name', 'admdvs', 'level', 'kind', 'countyRun']);
    const checked = validateRow('hospitals', mapper(['PY-TOWN', '鳌江镇中心卫生院', '330326', '1', 'township-health-center', 'false']));
    expect(checked.ok && checked.row.record).toMatchObject({ level: 1, kind: 'township-health-center', countyRun: false, consortium: null });
  });

  it('levels and kinds as insurers write them', () => {
    expect(['一级', '二级', '三级', '三甲', '三级乙等', '2', '3级'].map(toLevel)).toEqual([1, 2, 3, 3, 3, 2, 3]);
    expect(toLevel('四级')).toBe('四级');
    const kinds = mapHeaders('hospitals', ['id', 'name', 'admdvs', 'level', 'type', 'countyRun']);
    const kindOf = (cell: string) => kinds.mapper(['H', 'n', '330326', '1', cell, '否']).kind;
    expect(['综合医院', '中医院', '乡镇卫生院', '社区卫生服务中心', 'tcm'].map(kindOf)).toEqual(['general', 'tcm', 'township-health-center', 'community-health-center', 'tcm']);
  });
});

describe('referral files', () => {
  it('Chinese headers and filing kinds by name', () => {
    const { mapper } = mapHeaders('referrals', ['社会保障卡号', '备案类型', '开始日期', '结束日期', '转往医院', '诊断']);
    const rows = [
      ['C1', '转诊转院', '2019-03-01', '2019-06-30', 'WZ-CITY', 'C34.9'],
      ['C1', '异地安置', '2019-03-01', '2019-06-30', '', ''],
      ['C1', '异地就医备案', '2019/3/1', '2019/6/30', '', ''],
    ].map((cells) => validateRow('referrals', mapper(cells)));
    expect(rows.map((r) => r.ok && (r.row.record as { kind: string }).kind)).toEqual(['referral', 'relocation', 'out-of-area']);
    expect(rows[0]!.ok && rows[0]!.row.record).toEqual({
      card: 'C1',
      kind: 'referral',
      validFrom: '2019-03-01',
      validTo: '2019-06-30',
      toHospitalId: 'WZ-CITY',
      diagnosis: 'C34.9',
    });
  });
});

describe('cells', () => {
  it('dates and sexes', () => {
    expect(['2019-03-01', '2019/3/1', '2019.03.01', '20190301', '2019年3月1日'].map(toIsoDate)).toEqual(Array(5).fill('2019-03-01'));
    expect(toIsoDate('March 1')).toBe('March 1');
    expect(['男', 'M', '1', 'male', '女', 'f', '2'].map(toSex)).toEqual(['M', 'M', 'M', 'M', 'F', 'F', 'F']);
  });
});

describe('CSV rows', () => {
  it('carry the line each record ends on, quoted newlines and blank lines included; a short record is reported', async () => {
    const { Readable } = await import('node:stream');
    const { csvRows } = await import('../../src/import/csv.js');
    const text =
      'card,region,sex,birthDate,coverage,specialDiseases\nA1,平阳,女,1990-01-01,2019-01-01~2019-12-31,"sle,\ndiabetes"\n\nA2,平阳,男,1990-01-01,2019-01-01~2019-12-31,\nA3,平阳\n';
    const items = [];
    for await (const batch of csvRows('enrollees', Readable.from([Buffer.from(text)]))) items.push(...batch);
    expect(items.map((item) => item.line)).toEqual([3, 5, 6]);
    expect(items[0]).toMatchObject({ value: { card: 'A1', specialDiseases: ['sle', 'diabetes'] } });
    expect(items[2]).toMatchObject({ errors: [{ message: 'expected 6 cells as in the header, found 2' }] });
  });
});
