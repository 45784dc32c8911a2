/** The desk's pure modules: presentation of amounts, the bill it sends, HIS rows it reads. */
import { describe, expect, it } from 'vitest';
import { capitals, ratio, yuan } from '../../desk/src/amounts.js';
import { billKey, billRequest, emptyBill, newRequestId, normaliseDate, REQUEST_ID_PATTERN, type BillInput } from '../../desk/src/bill.js';
import { decodeHisFile, parseFeeLines } from '../../desk/src/feelines.js';
import { maskCard } from '../../desk/src/labels.js';
import { hisEntries } from '../../desk/src/reconcile.js';
import { patientSplit, waterfall, waterfallProblems } from '../../desk/src/waterfall.js';
import type { Settlement } from '../../desk/src/wire.js';

describe('amounts as the slip prints them', () => {
  it.each([
    ['4627.70', '肆仟陆佰贰拾柒元柒角整'],
    ['0.00', '零元整'],
    ['0.05', '伍分'],
    ['1005.00', '壹仟零伍元整'],
    ['1409.50', '壹仟肆佰零玖元伍角整'],
    ['100000.10', '壹拾万元壹角整'],
    ['1000001.01', '壹佰万零壹元零壹分'],
    ['12345.67', '壹万贰仟叁佰肆拾伍元陆角柒分'],
    ['999999999.99', '玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分'],
  ])('%s in capitals is %s', (amount, expected) => {
    expect(capitals(amount)).toBe(expected);
  });

  it('groups digits and computes the ratio exactly, half up', () => {
    expect(yuan('12345.67')).toBe('12,345.67');
    expect(yuan('999999999.99')).toBe('999,999,999.99');
    expect(yuan('0')).toBe('0.00');
    expect(ratio('7717.97', '12345.67')).toBe('62.52%');
    expect(ratio('1', '3')).toBe('33.33%');
    expect(ratio('2', '3')).toBe('66.67%');
    expect(ratio('0.00', '0.00')).toBe('—');
  });

  it('masks the card but keeps its region and last four', () => {
    expect(maskCard('330326198001010001')).toBe('330326********0001');
    expect(maskCard('AB12')).toBe('AB12');
  });
});

const SETTLED: Settlement = {
  settlementId: 'S-1',
  requestId: 'R-1',
  status: 'settled',
  policyId: 'pingyang-2019',
  benefitYear: 2019,
  card: '330326198001010001',
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  total: '12345.67',
  policyScope: '11925.67',
  charges: { total: '12345.67', fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' },
  payments: { basic: '7717.97', criticalIllness: '0.00' },
  fundTotal: '7717.97',
  patientTotal: '4627.70',
  admissionOrdinal: 1,
  lines: [
    { fund: 'basic', fundPayType: '390100', amount: '7717.97', cite: '000_b298e4d9608db673.txt 三(一)1' },
    { fund: 'criticalIllness', fundPayType: '390200', amount: '0.00', cite: '000_b298e4d9608db673.txt 三(二)' },
  ],
  steps: [
    { rule: 'pingyang-2019/inpatient/deductible', text: '县内县级医院 deductible × 1 (admission 1 of the year)', amount: '900.00', cite: '000_b298e4d9608db673.txt 三(一)1' },
    { rule: 'pingyang-2019/inpatient/rate', text: '(11925.67 − 900.00) × 0.7', amount: '7717.97', cite: '000_b298e4d9608db673.txt 三(一)1' },
  ],
  accumulatorsBefore: {
    admissions: 0,
    basicEligible: '0.00',
    basicPaid: '0.00',
    compliantSelfBurden: '0.00',
    criticalIllnessPaid: '0.00',
    outpatientPaid: '0.00',
    retiredCadreSpousePaid: '0.00',
  },
  accumulatorsAfter: {
    admissions: 1,
    basicEligible: '11925.67',
    basicPaid: '7717.97',
    compliantSelfBurden: '4207.70',
    criticalIllnessPaid: '0.00',
    outpatientPaid: '0.00',
    retiredCadreSpousePaid: '0.00',
  },
  notes: [],
};

describe('the waterfall', () => {
  it('shows every amount of the response and adds up to the total', () => {
    const rows = waterfall(SETTLED);
    expect(rows.map((row) => [row.key, row.amount])).toEqual([
      ['total', '12345.67'],
      ['fullSelfPay', '300.00'],
      ['overLimitSelfPay', '0.00'],
      ['preSelfPay', '120.00'],
      ['policyScope', '11925.67'],
      ['deductible', '900.00'],
      ['fund:basic', '7717.97'],
      ['fund:criticalIllness', '0.00'],
      ['patient', '4627.70'],
    ]);
    expect(rows.find((row) => row.key === 'fund:basic')!.rate).toBe('70%');
    expect(waterfallProblems(SETTLED)).toEqual([]);
    // The last fund bar ends where the patient's share begins.
    expect(rows.find((row) => row.key === 'fund:criticalIllness')!.from.toFixed(2)).toBe('4627.70');
    expect(patientSplit(SETTLED)).toEqual({ selfPay: '300.00', coPay: '4327.70' });
  });

  it('says so when a response does not add up (a slip never prints a wrong sum silently)', () => {
    expect(waterfallProblems({ ...SETTLED, patientTotal: '4627.71' })).toHaveLength(1);
    expect(waterfallProblems({ ...SETTLED, charges: { ...SETTLED.charges!, preSelfPay: '0.00' } })).toHaveLength(1);
  });

  it('falls back to total and policy scope without the charges echo', () => {
    const { charges: _charges, ...older } = SETTLED;
    expect(waterfall(older).map((row) => row.key)).toEqual(['total', 'policyScope', 'deductible', 'fund:basic', 'fund:criticalIllness', 'patient']);
    expect(patientSplit(older)).toBeNull();
  });
});

describe('the bill sent', () => {
  const bill: BillInput = {
    ...emptyBill('330326198001010001', 'PY-COUNTY'),
    admissionDate: '20190301',
    dischargeDate: '2019.03.10',
    total: '12,345.67',
    fullSelfPay: '300',
  };

  it('is the api.md request, dates and amounts as the service reads them', () => {
    expect(billRequest(bill)).toEqual({
      card: '330326198001010001',
      hospitalId: 'PY-COUNTY',
      visitType: 'inpatient',
      admissionDate: '2019-03-01',
      dischargeDate: '2019-03-10',
      charges: { total: '12345.67', fullSelfPay: '300' },
    });
    expect(normaliseDate('2019/3/1')).toBe('2019/3/1'); // not guessed: the service says what is wrong
  });

  it('has one identity per set of inputs, whatever the key order', () => {
    expect(billKey(bill)).toBe(billKey({ ...bill }));
    expect(billKey(bill)).not.toBe(billKey({ ...bill, preSelfPay: '1' }));
    expect(billKey({ ...bill, emergency: false })).toBe(billKey(bill));
  });

  it('gets a requestId the service accepts, before and after the ":" was dropped', () => {
    for (let i = 0; i < 50; i++) {
      const id = newRequestId();
      expect(id).toMatch(REQUEST_ID_PATTERN);
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/);
    }
  });

  it('sends fee lines with an id each', () => {
    const lines = billRequest({
      ...bill,
      chargeMode: 'lines',
      lines: [{ lineId: '', code: 'XJ01', hospitalCode: '', name: '阿莫西林胶囊', quantity: '2', unitPrice: '12.50', amount: '25.00', time: '' }],
    }).charges as { lines: Record<string, string>[] };
    expect(lines.lines).toEqual([{ lineId: 'L0001', code: 'XJ01', name: '阿莫西林胶囊', quantity: '2', unitPrice: '12.50', amount: '25.00' }]);
  });
});

describe('rows from the HIS', () => {
  it('reads a CSV with Chinese headers, a paste without one, and GB18030 files', () => {
    const csv = '序号,医保编码,项目名称,数量,单价,金额\n1,XJ01CAA040A001010101445,阿莫西林胶囊,2,12.50,25.00\n2,001101000010000-110100001,普通病房床位费,9,50.00,450.00\n';
    const parsed = parseFeeLines(csv);
    expect(parsed.problems).toEqual([]);
    expect(parsed.lines.map((line) => [line.lineId, line.code, line.amount])).toEqual([
      ['1', 'XJ01CAA040A001010101445', '25.00'],
      ['2', '001101000010000-110100001', '450.00'],
    ]);
    const pasted = parseFeeLines('XJ01\t阿莫西林胶囊\t2\t12.50\t25.00');
    expect(pasted.lines[0]).toMatchObject({ code: 'XJ01', name: '阿莫西林胶囊', quantity: '2', unitPrice: '12.50', amount: '25.00' });
    // "医保编码,名称\n" in GB18030.
    const gbk = Uint8Array.from([0xd2, 0xbd, 0xb1, 0xa3, 0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0xc3, 0xfb, 0xb3, 0xc6, 0x0a]);
    expect(decodeHisFile(gbk.buffer)).toBe('医保编码,名称\n');
  });

  it('reads reconciliation rows and says which column is missing', () => {
    const { entries, problems } = hisEntries('结算单号,结算流水号,类型,医疗费总额,基金支付\nS-1,R-1,结算,"12,345.67",7717.97\nS-1,R-1,撤销,12345.67,7717.97');
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      { settlementId: 'S-1', requestId: 'R-1', kind: 'settlement', total: '12345.67', fundTotal: '7717.97' },
      { settlementId: 'S-1', requestId: 'R-1', kind: 'reversal', total: '12345.67', fundTotal: '7717.97' },
    ]);
    expect(hisEntries('名称,金额\na,1').problems).toHaveLength(2);
  });
});
