/**
 * The shape of a policy file (config/policies/<region>-<year>.yaml) in the
 * policy vocabulary (docs/policy-authoring.md): who and what is settled,
 * classes and lookups, ledgers, an ordered pipeline of payment layers,
 * adjustments and refusals, and worked examples. Every section but the
 * region's identity is optional with a stated default.
 */
import { z } from 'zod';
import { DELIVERIES, FUNDS, HOSPITAL_KINDS, LIABILITIES, VISIT_TYPES, type VisitType } from '../domain/types.js';
import {
  BUILT_IN_DIMENSIONS,
  personCategory,
  carryOver,
  citation,
  condition,
  dimension,
  factorValue,
  isoDate,
  ledger,
  moneyText,
  moneyValue,
  optionalCitation,
  rateValue,
  ref,
  scale,
  table,
  type Ref,
} from './vocabulary.js';

export * from './vocabulary.js';

const admdvsPrefix = z.string().regex(/^\d{2,6}$/, 'expected 2–6 leading digits of an admdvs code');

const visitTypeRule = z
  .strictObject({
    countsAsAdmission: z.boolean().default(false).meta({ description: 'takes the next admission ordinal of the year' }),
    oncePerYear: z
      .boolean()
      .default(false)
      .meta({ description: 'all settlements of this visit type in a year count as one: the first takes the deductible (and the ordinal), later ones neither' }),
    womenOnly: z.boolean().default(false),
    maternityInsuredExcluded: z.boolean().default(false),
    requiresDelivery: z.boolean().default(false),
    approvedDiseases: z
      .union([z.literal('any'), z.array(z.string().min(1)).min(1)])
      .optional()
      .meta({ description: 'the request must name a specialDisease the person is approved for; "any": any on the record' }),
    ...citation,
  })
  .meta({ id: 'VisitTypeRule' });

const deductible = z
  .strictObject({
    amount: ref.optional(),
    formula: z.strictObject({ share: rateValue, of: z.enum(['total', 'policy-scope']), min: moneyValue.optional(), max: moneyValue.optional() }).optional(),
    byAdmission: z.array(factorValue).min(1).optional().meta({ description: 'factor of the n-th admission of the year; the last repeats' }),
    chained: z.boolean().default(false).meta({ description: 'factors multiply from one admission to the next (×75% then ×50% of that)' }),
    subtractPerAdmission: moneyValue.optional().meta({ description: 'less this much for every earlier admission of the year' }),
    floor: ref.optional().meta({ description: 'never below this (after ordinal rules)' }),
    yearCap: z
      .strictObject({ amount: ref, ledger: z.string().min(1) })
      .optional()
      .meta({ description: 'deductibles paid in the year together at most this' }),
    readmissionWithinDays: z.number().int().min(1).max(365).optional().meta({ description: 'no deductible when admitted within N days of an earlier discharge' }),
    ...optionalCitation,
  })
  .meta({ id: 'Deductible' });

const cap = z
  .strictObject({
    amount: ref,
    per: z.enum(['visit', 'day', 'quarter', 'year']).default('year'),
    ledger: z.string().min(1).optional().meta({ description: 'what the cap is measured against; the layer must record into it' }),
    perExtraDisease: moneyValue.optional().meta({ description: 'raised by this for every approved special disease beyond the first' }),
    atMost: moneyValue.optional(),
    perDiseaseGroup: z.boolean().default(false),
    carryOver: carryOver.optional().meta({ description: "结转: the cap grows by last year's unused room" }),
    ...optionalCitation,
  })
  .meta({ id: 'Cap' });

const dayBand = z.strictObject({
  fromDay: z.number().int().min(1),
  toDay: z.number().int().min(1).nullable().default(null),
  perDay: moneyValue.optional(),
  rate: rateValue.optional(),
});

const payment = z
  .strictObject({
    fund: z.enum(FUNDS),
    label: z.string().optional(),
    step: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9/-]*$/)
      .optional()
      .meta({ description: 'name of the main explanation step' }),
    when: condition.optional().meta({ description: 'eligibility: when false the line is reported as 0' }),
    base: z
      .enum(['residual', 'policy-scope', 'total', 'over-expense-cap'])
      .default('residual')
      .meta({ description: "residual: what the earlier layers left within policy scope; over-expense-cap: the part earlier layers' expense caps left out" }),
    payFirst: ref.optional().meta({ description: 'share of the base the patient pays first (先自负)' }),
    expenseCap: z.strictObject({ amount: ref, ledger: z.string().min(1), ...optionalCitation }).optional(),
    deductible: deductible.optional(),
    rate: ref.optional(),
    bands: scale.optional(),
    lumpSum: z.strictObject({ amount: ref, mode: z.enum(['actual-if-lower', 'fixed']).default('actual-if-lower') }).optional(),
    perDiem: z
      .strictObject({ bands: z.array(dayBand).min(1) })
      .optional()
      .meta({ description: 'per bed-day by day bands (按床日)' }),
    package: z
      .strictObject({
        price: ref,
        patientShare: rateValue,
        excess: z.enum(['hospital', 'patient']).default('hospital'),
        cycleDays: z.number().int().min(1).optional().meta({ description: 'one package per settlement cycle of at most N bed-days (a 57-day stay is two)' }),
      })
      .optional(),
    perVisitFee: z.strictObject({ amount: ref, oncePerDayLedger: z.string().optional() }).optional(),
    payoutFactor: ref.optional(),
    floor: z
      .strictObject({ share: ref, ...optionalCitation })
      .optional()
      .meta({ description: '保底: the layer pays at least share × the eligible amount (the base within any expense cap)' }),
    topUpTo: ref.optional(),
    caps: z.array(cap).default([]),
    records: z
      .record(z.string(), z.enum(['payment', 'residual', 'remaining', 'eligible', 'deductible']))
      .default({})
      .meta({ description: "what to add to a ledger: payment; residual (the layer's base − payment); remaining (policy scope − every payment so far); eligible; deductible" }),
    missing: z
      .strictObject({
        note: z.string().min(1).meta({ description: 'for the log and developers' }),
        noteZh: z.string().min(1).optional().meta({ description: 'the same in Chinese, shown to the clerk and on the slip (absent: the note stays off the slip)' }),
      })
      .optional()
      .meta({ description: 'the source of this layer is not available: it pays 0 with this note' }),
    ...citation,
  })
  .meta({ id: 'PaymentLayer' });

const choice = z
  .strictObject({
    choose: z.enum(['largest', 'most-favourable', 'first']).meta({
      description:
        "largest: the option paying most on this settlement; most-favourable: the option worth most to the person over the year (a year-to-date scale's value within its cap), stable across settlements; first: the first applicable",
    }),
    options: z.array(payment).min(1),
    visitTypes: z.array(z.enum(VISIT_TYPES)).optional(),
    ...optionalCitation,
  })
  .meta({ id: 'LayerChoice' });

const layer = z.union([payment.extend({ visitTypes: z.array(z.enum(VISIT_TYPES)).optional() }), choice]);

export const ADJUSTABLE = ['rate', 'deductible', 'payoutFactor', 'cap', 'expenseCap', 'bands'] as const;

const adjustment = z
  .strictObject({
    step: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9/-]*$/)
      .default('adjustment'),
    label: z.string().optional(),
    when: condition,
    target: z.string().regex(/^[a-zA-Z]+\.(rate|deductible|payoutFactor|cap|expenseCap|bands)$/, 'expected "<fund>.<parameter>", e.g. "basic.rate"'),
    op: z.enum(['set', 'add', 'subtract', 'multiply', 'remove-cap', 'clamp']),
    value: z.string().optional(),
    min: z.string().optional(),
    max: z.string().optional(),
    ...citation,
  })
  .meta({ id: 'Adjustment' });

const refusal = z
  .strictObject({
    when: condition,
    code: z.enum(['REFERRAL_REQUIRED', 'NOT_COVERED', 'VISIT_TYPE_NOT_COVERED']),
    message: z.string().min(1),
    ...citation,
  })
  .meta({ id: 'Refusal' });

const testCase = z
  .strictObject({
    name: z.string().min(1),
    hospital: z.strictObject({
      admdvs: z.string().regex(/^\d{6}$/),
      level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
      kind: z.enum(HOSPITAL_KINDS).default('general'),
      countyRun: z.boolean().default(false),
      consortium: z.string().optional(),
      designation: z.string().optional(),
    }),
    person: z
      .strictObject({
        sex: z.enum(['F', 'M']).default('F'),
        birthDate: isoDate.default('1970-01-01'),
        categories: z.array(personCategory).default([]),
        specialDiseases: z.array(z.string()).default([]),
        maternityInsured: z.boolean().default(false),
        contributionTier: z.string().optional(),
      })
      .default({ sex: 'F', birthDate: '1970-01-01', categories: [], specialDiseases: [], maternityInsured: false }),
    visit: z.strictObject({
      visitType: z.enum(VISIT_TYPES).default('inpatient'),
      admissionDate: isoDate,
      dischargeDate: isoDate,
      total: moneyText,
      fullSelfPay: moneyText.default('0'),
      overLimitSelfPay: moneyText.default('0'),
      preSelfPay: moneyText.default('0'),
      filed: z.boolean().default(false),
      emergency: z.boolean().optional(),
      referredFromPrimary: z.boolean().optional(),
      specialDisease: z.string().optional(),
      majorDisease: z.string().optional(),
      diseaseGroup: z.string().optional(),
      delivery: z.enum(DELIVERIES).optional(),
    }),
    prior: z
      .record(z.string(), z.union([moneyText, z.number().int(), z.boolean()]))
      .default({})
      .meta({ description: 'year-to-date ledgers before this settlement' }),
    priorYear: z
      .record(z.string(), z.union([moneyText, z.number().int(), z.boolean()]))
      .optional()
      .meta({ description: "last benefit year's ledgers at its end (carryOver); absent: not known, nothing carried" }),
    dischargedBefore: z.array(isoDate).default([]).meta({ description: 'discharge days of earlier inpatient stays (a readmission window)' }),
    expect: z.strictObject({
      payments: z.record(z.string(), moneyText).optional(),
      patientTotal: moneyText.optional(),
      refused: z.string().optional(),
    }),
    cite: z.string().optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'WorkedExample' });

const benefitYearNumber = z.number().int().min(1990).max(2100);

export const policyFileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*-\d{4}$/, 'expected "<region>-<year>"'),
    region: z.string().regex(/^[a-z][a-z0-9-]*$/),
    name: z.string().min(1),
    document: z.string().min(1).meta({ description: 'the notice: a file name or a citation with its address' }),
    // A year the source does not state is written { year, cite, decision, assumed: true }; the
    // policy sees the number, the file as written (parameters, policy:check) keeps the flag.
    benefitYear: z
      .union([benefitYearNumber, z.strictObject({ year: benefitYearNumber, ...citation })])
      .transform((v) => (typeof v === 'number' ? v : v.year))
      .meta({ description: 'the benefit year, or { year, cite, decision, assumed } where the source does not state it' }),
    attribution: z.strictObject({ rule: z.enum(['discharge-date', 'calendar-year-of-stay']), ...citation }),
    catalogue: z.strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a catalogue id such as "zhejiang-2019-demo" (the file <id>.csv)'),
      ...citation,
    }),
    exclusions: z.strictObject({ liabilities: z.array(z.enum(LIABILITIES)), ...citation }).default({ liabilities: [], cite: 'default', assumed: false }),
    visitTypes: z.partialRecord(z.enum(VISIT_TYPES), visitTypeRule),
    area: z.strictObject({ admdvsPrefixes: z.array(admdvsPrefix).min(1), ...citation }),
    insuranceDivision: z.strictObject({ admdvs: z.string().regex(/^\d{6}$/, 'a 6-digit division code'), ...citation }),
    claimDeadline: z
      .discriminatedUnion('rule', [
        z.strictObject({ rule: z.literal('fixed-date-next-year'), monthDay: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'expected MM-DD'), ...citation }),
        z.strictObject({ rule: z.literal('after-discharge'), months: z.number().int().min(1).max(60), ...citation }),
      ])
      .optional(),
    dimensions: z.record(z.string().regex(/^[a-z][a-zA-Z0-9-]*$/), dimension).default({}),
    categories: z
      .record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/), z.strictObject({ label: z.string().min(1), ...citation }))
      .default({})
      .meta({ description: 'the region\'s own person categories, written "<region>.<name>" in conditions and in the registry' }),
    tables: z.record(z.string().regex(/^[a-z][a-zA-Z0-9-]*$/), table).default({}),
    ledgers: z.record(z.string().regex(/^[a-z][a-zA-Z0-9-]*$/), ledger).default({}),
    admissions: z
      .strictObject({
        consortiumTransfer: z.strictObject({ continuesPreviousStay: z.literal(true), ...citation }).optional(),
        ...citation,
      })
      .optional(),
    refusals: z.array(refusal).default([]),
    adjustments: z.array(adjustment).default([]),
    adjustmentsCombine: z.literal('in-order').default('in-order').meta({ description: 'adjustments of one parameter apply in file order' }),
    layers: z.array(layer).min(1),
    tests: z.array(testCase).default([]),
  })
  .superRefine((policy, ctx) => checkReferences(policy, (path, message) => ctx.addIssue({ code: 'custom', path, message })));

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type Policy = PolicyFile;
export type VisitTypeRule = z.infer<typeof visitTypeRule>;
export type PaymentRule = z.infer<typeof payment>;
export type Layer = z.infer<typeof layer>;
export type LayerChoice = z.infer<typeof choice>;
export type Adjustment = z.infer<typeof adjustment>;
export type DeductibleRule = z.infer<typeof deductible>;
export type CapRule = z.infer<typeof cap>;
export type WorkedExample = z.infer<typeof testCase>;

export function isChoice(layer: Layer): layer is LayerChoice {
  return 'choose' in layer;
}

export function optionsOf(layer: Layer): PaymentRule[] {
  return isChoice(layer) ? layer.options : [layer];
}

const STORED = new Set([
  'admissions',
  'specialOutpatientCounted',
  'basicEligible',
  'basicPaid',
  'compliantSelfBurden',
  'criticalIllnessPaid',
  'outpatientPaid',
  'retiredCadreSpousePaid',
]);

/** Names used in the file must be declared: tables, dimensions, ledgers; table values must fit the unit. */
function checkReferences(policy: PolicyFile, issue: (path: (string | number)[], message: string) => void): void {
  if (!policy.id.endsWith(`-${policy.benefitYear}`)) issue(['id'], `id must end with the benefit year ${policy.benefitYear}`);
  if (!policy.id.startsWith(`${policy.region}-`)) issue(['id'], `id must start with the region "${policy.region}"`);
  if (Object.keys(policy.visitTypes).length === 0) issue(['visitTypes'], 'at least one visit type');
  checkOwnCategories(policy, issue);

  const dims = new Set<string>([...Object.keys(policy.dimensions), ...BUILT_IN_DIMENSIONS]);
  const ledgerKnown = (name: string) => STORED.has(name) || name in policy.ledgers;
  const checkRef = (value: Ref | undefined, path: (string | number)[], units: string[]) => {
    if (value === undefined) return;
    if (typeof value === 'string') {
      if (!units.some((unit) => fitsUnit(unit, value))) {
        issue(
          path,
          units.includes('money')
            ? 'expected an amount as a decimal string with at most two decimals, e.g. "1300", or { table: name }'
            : `expected a ${units.join(' or ')} as a decimal string, or { table: name }, got "${value}"`,
        );
      }
      return;
    }
    const t = policy.tables[value.table];
    if (!t) issue([...path, 'table'], `unknown table "${value.table}"`);
    else if (!units.includes(t.unit)) issue([...path, 'table'], `table "${value.table}" holds ${t.unit}, expected ${units.join(' or ')}`);
  };

  const possible = new Map<string, string[]>();
  for (const [name, dim] of Object.entries(policy.dimensions)) {
    if (!dim.start && dim.default === undefined && dim.cases.length === 0) issue(['dimensions', name], 'needs start, cases or default');
    const values = new Set<string>(dim.cases.map((c) => c.value));
    if (dim.default !== undefined) values.add(dim.default);
    if (dim.start === 'hospital.level' || dim.shifts.length > 0) {
      const numbers = [...values].map(Number).filter(Number.isInteger);
      if (dim.start === 'hospital.level') numbers.push(1, 2, 3);
      const lo = Math.max(Math.min(...numbers) + Math.min(0, ...dim.shifts.map((x) => x.by)) * dim.shifts.length, dim.min ?? -Infinity);
      const hi = Math.min(Math.max(...numbers) + Math.max(0, ...dim.shifts.map((x) => x.by)) * dim.shifts.length, dim.max ?? Infinity);
      values.clear();
      for (let n = lo; n <= hi && Number.isFinite(lo) && Number.isFinite(hi) && hi - lo < 50; n += 1) values.add(String(n));
    }
    possible.set(name, [...values]);
  }
  for (const [name, t] of Object.entries(policy.tables)) {
    t.by.forEach((d, i) => {
      if (!dims.has(d)) issue(['tables', name, 'by', i], `unknown dimension "${d}"`);
    });
    const values: [string, (string | number)[]][] = t.rows.map((r, i) => [r.value, ['tables', name, 'rows', i, 'value']]);
    if (t.default !== undefined) values.push([t.default, ['tables', name, 'default']]);
    for (const [value, path] of values) {
      if (value === 'not-covered') continue;
      if (!fitsUnit(t.unit, value)) issue([...path], `"${value}" is not a valid ${t.unit} value`);
    }
    // Every class a dimension can take needs a row (or the table a default); built-in facts
    // with a closed set of values (level, filed, …) count as dimensions, the open ones do not.
    const classesOf = (d: string): readonly string[] | undefined => possible.get(d) ?? closedBuiltIn(d, policy);
    const declared = t.by.filter((d) => classesOf(d) !== undefined);
    if (t.default === undefined && declared.length > 0) {
      for (const combo of combinations(declared.map((d) => [...classesOf(d)!]))) {
        const covered = t.rows.some((row) =>
          Object.entries(row.key).every(([d, wanted]) => {
            const i = declared.indexOf(d);
            if (i === -1) return false; // a row keyed by a built-in fact is not a catch-all
            return Array.isArray(wanted) ? wanted.includes(combo[i]!) : wanted === combo[i];
          }),
        );
        if (!covered)
          issue(['tables', name, 'rows'], `no row for ${declared.map((d, i) => `${d} "${combo[i]}"`).join(', ')} (add one, or a default; "not-covered" says it is not covered)`);
      }
    }
    t.rows.forEach((row, i) => {
      for (const key of Object.keys(row.key)) if (!t.by.includes(key)) issue(['tables', name, 'rows', i, 'key', key], `"${key}" is not among the table's dimensions (by)`);
    });
  }

  policy.layers.forEach((layer, li) => {
    optionsOf(layer).forEach((rule, oi) => {
      const path = isChoice(layer) ? ['layers', li, 'options', oi] : ['layers', li];
      checkRef(rule.rate, [...path, 'rate'], ['rate']);
      rule.bands?.brackets.forEach((b, bi) => {
        if (typeof b.rate === 'object' && 'table' in b.rate) checkRef(b.rate, [...path, 'bands', 'brackets', bi, 'rate'], ['rate']);
      });
      checkRef(rule.payFirst, [...path, 'payFirst'], ['rate']);
      checkRef(rule.payoutFactor, [...path, 'payoutFactor'], ['rate', 'factor']);
      checkRef(rule.topUpTo, [...path, 'topUpTo'], ['money']);
      checkRef(rule.deductible?.amount, [...path, 'deductible', 'amount'], ['money']);
      checkRef(rule.deductible?.floor, [...path, 'deductible', 'floor'], ['money']);
      checkRef(rule.lumpSum?.amount, [...path, 'lumpSum', 'amount'], ['money']);
      checkRef(rule.package?.price, [...path, 'package', 'price'], ['money']);
      checkRef(rule.perVisitFee?.amount, [...path, 'perVisitFee', 'amount'], ['money']);
      checkRef(rule.floor?.share, [...path, 'floor', 'share'], ['rate']);
      checkRef(rule.expenseCap?.amount, [...path, 'expenseCap', 'amount'], ['money']);
      rule.caps.forEach((c, ci) => {
        checkRef(c.amount, [...path, 'caps', ci, 'amount'], ['money']);
        if (c.ledger && !ledgerKnown(c.ledger)) issue([...path, 'caps', ci, 'ledger'], `unknown ledger "${c.ledger}"`);
        const carried = c.carryOver?.ledger ?? c.ledger;
        if (c.carryOver && (!carried || !ledgerKnown(carried) || (policy.ledgers[carried]?.period ?? 'year') !== 'year'))
          issue([...path, 'caps', ci, 'carryOver'], 'carries the room of a year ledger: name one (ledger) or give the cap one');
        if (c.carryOver) checkRef(c.carryOver.cap, [...path, 'caps', ci, 'carryOver', 'cap'], ['money']);
      });
      if (rule.expenseCap && !ledgerKnown(rule.expenseCap.ledger)) issue([...path, 'expenseCap', 'ledger'], `unknown ledger "${rule.expenseCap.ledger}"`);
      if (rule.deductible?.yearCap && !ledgerKnown(rule.deductible.yearCap.ledger))
        issue([...path, 'deductible', 'yearCap', 'ledger'], `unknown ledger "${rule.deductible.yearCap.ledger}"`);
      if (rule.bands && rule.bands.over !== 'stay' && !ledgerKnown(rule.bands.over)) issue([...path, 'bands', 'over'], `unknown ledger "${rule.bands.over}"`);
      for (const name of Object.keys(rule.records)) if (!ledgerKnown(name)) issue([...path, 'records', name], `unknown ledger "${name}"`);
      const benefits = [rule.rate ?? rule.bands, rule.lumpSum, rule.perDiem, rule.package, rule.perVisitFee, rule.missing].filter((b) => b !== undefined);
      if (benefits.length !== 1) issue(path, 'a layer pays by exactly one of: rate or bands, lumpSum, perDiem, package, perVisitFee, missing');
    });
  });
  policy.adjustments.forEach((a, i) => {
    const fund = a.target.split('.')[0]!;
    if (!policy.layers.some((l) => optionsOf(l).some((r) => r.fund === fund))) issue(['adjustments', i, 'target'], `no layer pays fund "${fund}"`);
    if (['set', 'add', 'subtract', 'multiply'].includes(a.op) && a.value === undefined) issue(['adjustments', i, 'value'], `op ${a.op} needs a value`);
    if (a.op === 'clamp' && a.min === undefined && a.max === undefined) issue(['adjustments', i], 'clamp needs min or max');
  });
  const usedVisitTypes = Object.keys(policy.visitTypes) as VisitType[];
  for (const vt of usedVisitTypes) {
    const has = policy.layers.some((l) => !l.visitTypes || l.visitTypes.includes(vt));
    if (!has) issue(['visitTypes', vt], `no layer settles ${vt}`);
  }
}

/** A "<region>.<name>" category used in a condition or an example must be this region's, declared under `categories`. */
function checkOwnCategories(policy: PolicyFile, issue: (path: (string | number)[], message: string) => void): void {
  const declared = (c: string) => c.startsWith(`${policy.region}.`) && Object.hasOwn(policy.categories, c.slice(policy.region.length + 1));
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        const lists = key === 'categoriesAny' || key === 'categoriesNone' || (key === 'categories' && path[0] === 'tests');
        if (!lists || !Array.isArray(value)) walk(value, [...path, key]);
        else
          value.forEach((c, i) => {
            if (typeof c === 'string' && c.includes('.') && !declared(c)) issue([...path, key, i], `"${c}" is not declared under categories (write "${policy.region}.<name>")`);
          });
      }
    }
  };
  walk({ ...policy, categories: {} }, []);
}

/** The values a built-in fact can take, where that set is closed (the engine's builtIn in facts.ts). */
function closedBuiltIn(name: string, policy: PolicyFile): readonly string[] | undefined {
  switch (name) {
    case 'hospital.level':
      return ['1', '2', '3'];
    case 'hospital.kind':
      return HOSPITAL_KINDS;
    case 'inArea':
    case 'filed':
    case 'emergency':
    case 'referredFromPrimary':
      return ['true', 'false'];
    case 'visitType':
      return Object.keys(policy.visitTypes);
    case 'sex':
      return ['F', 'M'];
    default:
      return undefined;
  }
}

function fitsUnit(unit: string, value: string): boolean {
  if (unit === 'money') return /^(0|[1-9]\d{0,8})(\.\d{1,2})?$/.test(value);
  if (unit === 'points') return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(value);
  return /^(0|[1-9]\d*)(\.\d+)?$/.test(value) && (unit !== 'rate' || Number(value) <= 1);
}

function combinations(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((value) => [...prefix, value])), [[]]);
}
