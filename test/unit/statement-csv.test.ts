/** The day statement as the finance office's Excel reads it (desk/src/statement-csv.ts). */
import { describe, expect, it } from 'vitest';
import { csvCell, statementCsv } from '../../desk/src/statement-csv.js';
import type { Statement } from '../../desk/src/wire.js';

const statement: Statement = {
  hospitalId: 'PY-COUNTY',
  date: '2019-03-10',
  timeZone: 'Asia/Shanghai',
  totals: { count: 2, settlements: 2, reversals: 0, total: '13000.00', fundTotal: '7840.00', patientTotal: '5160.00', funds: { basic: '7840.00', criticalIllness: '0.00' } },
  groups: [
    { insutype: '390', clrType: '21', policyId: 'pingyang-2019', visitType: 'inpatient', count: 2, total: '13000.00', fundTotal: '7840.00', patientTotal: '5160.00', funds: {} },
  ],
  entries: [],
  next: null,
};

describe('statement CSV', () => {
  it('starts with a BOM, ends lines with CRLF, names funds and kinds in Chinese, amounts as plain decimals', () => {
    const csv = statementCsv(
      statement,
      [
        {
          settlementId: 'S-1',
          requestId: 'R,1',
          kind: 'reversal',
          at: '2019-03-10T02:00:00Z',
          card: '330326199001011234',
          policyId: 'pingyang-2019',
          benefitYear: 2019,
          clrType: '21',
          reason: null,
          visitType: 'inpatient',
          total: '-100.00',
          fundTotal: '-60.00',
          patientTotal: '-40.00',
          funds: {},
          operator: { id: '0123', name: '张三', keyId: null },
        },
      ],
      '平阳县人民医院（H33032600001）',
    );
    expect(csv.startsWith('\uFEFF日结单,平阳县人民医院（H33032600001）,2019-03-10,时区 Asia/Shanghai\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toContain(',2,2,0,13000.00,7840.00,5160.00');
    expect(lines).toContain(',基本医疗保险统筹基金,7840.00');
    expect(lines).toContain(',390,21,住院,pingyang-2019,2,13000.00,7840.00');
    expect(lines).toContain(',2019-03-10 10:00:00,S-1,"R,1",撤销,-100.00,-60.00,-40.00,张三（0123）');
  });

  it('quotes what needs quoting and never lets a cell become a formula', () => {
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell('-cmd')).toBe("'-cmd");
  });
});
