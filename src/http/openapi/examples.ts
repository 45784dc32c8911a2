/**
 * Examples for the OpenAPI document, taken from the worked examples
 * (test/fixtures/worked-examples.json, which the server does not ship).
 * test/unit/openapi-examples.test.ts holds them to the fixture: each request
 * and registry record equals its worked example, and each answer is what the
 * service answers for it (ids and instants aside).
 */

/** Worked examples settled through POST /v1/settlements, by case id. */
export const settlementRequestExamples = {
  'P-PY-1': {
    summary: 'Pingyang, county hospital, first admission of the year',
    value: {
      requestId: 'P-PY-1',
      card: '330326198001010001',
      hospitalId: 'PY-COUNTY',
      visitType: 'inpatient',
      admissionDate: '2019-03-01',
      dischargeDate: '2019-03-10',
      charges: { total: '12345.67', fullSelfPay: '300.00', overLimitSelfPay: '0.00', preSelfPay: '120.00' },
    },
  },
  'P-PY-4': {
    summary: 'Pingyang, special outpatient (dialysis) at a township health center',
    value: {
      requestId: 'P-PY-4',
      card: '330326198502020002',
      hospitalId: 'PY-TOWN',
      visitType: 'special-outpatient',
      admissionDate: '2019-01-20',
      dischargeDate: '2019-01-20',
      charges: { total: '4000.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
      specialDisease: 'esrd-dialysis',
    },
  },
  'P-JJ-4': {
    summary: 'Jinjiang, community health center, a person of a special group',
    value: {
      requestId: 'P-JJ-4',
      card: '350582198202020002',
      hospitalId: 'JJ-COMM',
      visitType: 'inpatient',
      admissionDate: '2018-03-01',
      dischargeDate: '2018-03-05',
      charges: { total: '3000.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
    },
  },
  'P-TY-1': {
    summary: 'Taiyuan, level-3 hospital, critical-illness insurance pays too',
    value: {
      requestId: 'P-TY-1',
      card: '140105198001010001',
      hospitalId: 'TY-L3',
      visitType: 'inpatient',
      admissionDate: '2019-03-01',
      dischargeDate: '2019-03-20',
      charges: { total: '50000.00', fullSelfPay: '2000.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
    },
  },
  'P-JJ-5': {
    summary: 'Jinjiang, out-of-province hospital without a referral filing: refused',
    value: {
      requestId: 'P-JJ-5',
      card: '350582198001010001',
      hospitalId: 'FZ-XIEHE',
      visitType: 'inpatient',
      admissionDate: '2018-08-01',
      dischargeDate: '2018-08-10',
      charges: { total: '30000.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
    },
  },
};

/** The answer to P-PY-1 on a fresh registry (settlementId, settledAt and the key id differ per run). */
export const settlementResponseExample = {
  settlementId: 'S-30e0-19yxt5v1v6aavg4w93agrm',
  requestId: 'P-PY-1',
  status: 'settled',
  policyId: 'pingyang-2019',
  // sha256 of config/policies/pingyang-2019.yaml: changes with the file, so the test sets it aside like the ids.
  policyVersion: '5f2c8e0d3b7a41c69e2d8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c',
  benefitYear: 2019,
  card: '330326198001010001',
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  total: '12345.67',
  policyScope: '11925.67',
  charges: {
    total: '12345.67',
    fullSelfPay: '300.00',
    overLimitSelfPay: '0.00',
    preSelfPay: '120.00',
  },
  payments: {
    basic: '7717.97',
    criticalIllness: '0.00',
  },
  fundTotal: '7717.97',
  patientTotal: '4627.70',
  admissionOrdinal: 1,
  referralId: null,
  lines: [
    {
      fund: 'basic',
      fundPayType: '390100',
      amount: '7717.97',
      cite: '000_b298e4d9608db673.txt 三(一)1',
      rate: '0.7',
      deductible: '900.00',
    },
    {
      fund: 'criticalIllness',
      fundPayType: '390200',
      amount: '0.00',
      cite: '000_b298e4d9608db673.txt 三(二)',
      rate: null,
    },
  ],
  steps: [
    {
      rule: 'pingyang-2019/inpatient/policy-scope',
      text: '政策范围内金额 = 总费用 − 全自费 − 超限价自费 − 先行自付',
      amount: '11925.67',
      cite: '000_b298e4d9608db673.txt 三(一)1',
    },
    {
      rule: 'pingyang-2019/inpatient/tier',
      text: '分类：医院类别 county（县内县级医院）',
      amount: null,
      cite: '000_b298e4d9608db673.txt 三(一)1',
    },
    {
      rule: 'pingyang-2019/inpatient/eligible-expense',
      text: '计入年度费用上限 150000.00 的政策范围内费用（此前已计 0.00）',
      amount: '11925.67',
      cite: '000_b298e4d9608db673.txt 三(一)2',
    },
    {
      rule: 'pingyang-2019/inpatient/deductible',
      text: '起付线：医院类别 county × 1（本年第 1 次住院）',
      amount: '900.00',
      cite: '000_b298e4d9608db673.txt 三(一)1',
    },
    {
      rule: 'pingyang-2019/inpatient/rate',
      text: '基本医疗保险统筹基金：（11925.67 − 900.00）× 0.7',
      amount: '7717.97',
      cite: '000_b298e4d9608db673.txt 三(一)1',
    },
    {
      rule: 'pingyang-2019/inpatient/critical-illness',
      text: '大病保险：合规自付 年度累计 0.00 → 4207.70，按分段计算',
      amount: '0.00',
      cite: '000_b298e4d9608db673.txt 三(二)',
    },
  ],
  accumulatorsBefore: {
    admissions: 0,
    specialOutpatientCounted: false,
    basicEligible: '0.00',
    basicPaid: '0.00',
    compliantSelfBurden: '0.00',
    criticalIllnessPaid: '0.00',
    outpatientPaid: '0.00',
    retiredCadreSpousePaid: '0.00',
  },
  accumulatorsAfter: {
    admissions: 1,
    specialOutpatientCounted: false,
    basicEligible: '11925.67',
    basicPaid: '7717.97',
    compliantSelfBurden: '4207.70',
    criticalIllnessPaid: '0.00',
    outpatientPaid: '0.00',
    retiredCadreSpousePaid: '0.00',
  },
  notes: [],
  notesZh: [],
  assumed: [],
  hospitalBorne: '0.00',
  operator: {
    id: null,
    name: null,
    keyId: 'billing-PY-COUNTY',
  },
  settledAt: '2019-03-10T09:30:00.000Z',
};

/** The refusal of P-JJ-5. */
export const refusalExample = {
  error: {
    code: 'REFERRAL_REQUIRED',
    message: '异地就医须先办理转诊或异地就医备案（备案有效期须覆盖住院日期）',
    details: [],
  },
};

export const hospitalExample = {
  hospitalId: 'PY-COUNTY',
  body: { name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true },
};

export const enrolleeExample = {
  card: '330326198001010001',
  body: {
    region: 'pingyang',
    sex: 'M',
    birthDate: '1970-01-01',
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
    categories: [],
    specialDiseases: [],
    maternityInsured: false,
  },
};

export const referralExample = {
  card: '330326198001010001',
  kind: 'referral',
  validFrom: '2019-01-01',
  validTo: '2019-12-31',
  toHospitalId: 'WZ-CITY',
};
