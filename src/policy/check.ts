/**
 * Checks one policy file as its author would (npm run policy:check): every
 * validation error with its path, every value marked `assumed`, and each
 * worked example of its `tests:` section settled by the engine, expected
 * against computed, fund by fund. Pure: the caller reads the file.
 */
import { emptyAccumulators } from '../domain/accumulators.js';
import { yearOf } from '../domain/dates.js';
import { Decimal, ZERO, formatMoney } from '../domain/money.js';
import { FUNDS, MONEY_ACCUMULATORS, type Accumulators, type Enrollee, type Filing, type Hospital, type MoneyAccumulator, type SettlementRequest } from '../domain/types.js';
import { settle } from '../engine/settle.js';
import { PolicyCatalog, type LoadedPolicy } from './catalog.js';
import { PolicyFileError, parsePolicyFile } from './loader.js';
import type { Policy, WorkedExample } from './schema.js';

export interface ExampleResult {
  name: string;
  ok: boolean;
  /** "basic: expected 6370.00, computed 6370.00" … */
  lines: string[];
}

export interface PolicyCheck {
  file: string;
  ok: boolean;
  errors: string[];
  assumed: string[];
  examples: ExampleResult[];
}

export function checkPolicyText(file: string, text: string): PolicyCheck {
  let loaded: LoadedPolicy;
  try {
    loaded = parsePolicyFile(file, text);
  } catch (error) {
    if (error instanceof PolicyFileError) return { file, ok: false, errors: error.issues.length ? [...error.issues] : [error.message], assumed: [], examples: [] };
    throw error;
  }
  const assumed = assumedValues(loaded.source);
  const catalog = new PolicyCatalog([loaded]);
  const examples = loaded.policy.tests.map((example) => runExample(catalog, loaded.policy, example));
  return { file, ok: examples.every((e) => e.ok), errors: [], assumed, examples };
}

/** Every group or row marked `assumed: true`, as "path = value (cite)". */
function assumedValues(source: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${path}[${i}]`));
    if (node === null || typeof node !== 'object') return;
    const group = node as Record<string, unknown>;
    if (group.assumed === true) {
      const value = 'value' in group ? ` = ${String(group.value)}` : '';
      out.push(`${path}${value}${typeof group.cite === 'string' ? ` (${group.cite})` : ''}${typeof group.decision === 'string' ? ` — ${group.decision}` : ''}`);
    }
    for (const [key, value] of Object.entries(group)) if (key !== 'tests') walk(value, path ? `${path}.${key}` : key);
  };
  walk(source, '');
  return out;
}

function runExample(catalog: PolicyCatalog, policy: Policy, example: WorkedExample): ExampleResult {
  const { visit, person } = example;
  const hospital: Hospital = {
    hospitalId: 'EXAMPLE-HOSPITAL',
    name: 'example hospital',
    admdvs: example.hospital.admdvs,
    level: example.hospital.level,
    kind: example.hospital.kind,
    countyRun: example.hospital.countyRun,
    consortium: example.hospital.consortium ?? null,
    designation: example.hospital.designation ?? null,
  };
  const year = policy.attribution.rule === 'discharge-date' ? yearOf(visit.dischargeDate) : yearOf(visit.admissionDate);
  const enrollee: Enrollee = {
    card: 'EXAMPLE',
    region: policy.region,
    sex: person.sex,
    birthDate: person.birthDate,
    coverage: [{ from: `${year - 1}-01-01`, to: `${year + 1}-12-31` }],
    categories: person.categories,
    specialDiseases: person.specialDiseases,
    maternityInsured: person.maternityInsured,
    contributionTier: person.contributionTier ?? null,
  };
  const filings: Filing[] = visit.filed
    ? [{ referralId: 'EXAMPLE-FILING', card: 'EXAMPLE', kind: 'referral', validFrom: visit.admissionDate, validTo: visit.dischargeDate, status: 'active' }]
    : [];
  const request: SettlementRequest = {
    requestId: `example-${example.name}`,
    card: 'EXAMPLE',
    hospitalId: hospital.hospitalId,
    visitType: visit.visitType,
    admissionDate: visit.admissionDate,
    dischargeDate: visit.dischargeDate,
    charges: {
      total: new Decimal(visit.total),
      fullSelfPay: new Decimal(visit.fullSelfPay),
      overLimitSelfPay: new Decimal(visit.overLimitSelfPay),
      preSelfPay: new Decimal(visit.preSelfPay),
    },
    emergency: visit.emergency,
    referredFromPrimary: visit.referredFromPrimary,
    specialDisease: visit.specialDisease ?? null,
    majorDisease: visit.majorDisease ?? null,
    diseaseGroup: visit.diseaseGroup ?? null,
    delivery: visit.delivery ?? null,
  };
  const previousStays = example.dischargedBefore.map((dischargeDate, i) => ({
    settlementId: `EXAMPLE-STAY-${i + 1}`,
    hospitalId: 'EXAMPLE-EARLIER',
    consortium: null,
    dischargeDate,
    admissionOrdinal: null,
  }));
  const previousYearAccumulators = example.priorYear ? priorOf(example.priorYear) : null;
  const accumulators = priorOf(example.prior);
  const outcome = settle({ catalog, request, hospital, enrollee, filings, previousStays, previousYearAccumulators, accumulators, accumulatorsYear: year });
  const lines: string[] = [];
  let ok = true;
  if (example.expect.refused !== undefined) {
    const got = outcome.ok ? 'settled' : outcome.refusal.code;
    ok = got === example.expect.refused;
    lines.push(`refused: expected ${example.expect.refused}, computed ${got}${outcome.ok ? '' : ` (${outcome.refusal.message})`}`);
    return { name: example.name, ok, lines };
  }
  if (!outcome.ok) return { name: example.name, ok: false, lines: [`expected a settlement, refused ${outcome.refusal.code}: ${outcome.refusal.message}`] };
  const s = outcome.settlement;
  const expected = example.expect.payments ?? {};
  for (const fund of FUNDS) {
    const want = expected[fund];
    const got = s.payments[fund];
    if (want === undefined && (got === undefined || got.isZero())) continue;
    const same = want !== undefined && got !== undefined && new Decimal(want).eq(got);
    if (!same) ok = false;
    lines.push(`${same ? '  ' : '≠ '}${fund}: expected ${want === undefined ? '—' : formatMoney(new Decimal(want))}, computed ${got === undefined ? '—' : formatMoney(got)}`);
  }
  for (const fund of Object.keys(expected)) {
    if (!(FUNDS as readonly string[]).includes(fund)) {
      ok = false;
      lines.push(`≠ ${fund}: not a fund (${FUNDS.join(', ')})`);
    }
  }
  if (example.expect.patientTotal !== undefined) {
    const same = new Decimal(example.expect.patientTotal).eq(s.patientTotal);
    if (!same) ok = false;
    lines.push(`${same ? '  ' : '≠ '}patientTotal: expected ${formatMoney(new Decimal(example.expect.patientTotal))}, computed ${formatMoney(s.patientTotal)}`);
  }
  for (const a of s.assumed) lines.push(`  assumed: ${a.path} = ${a.value} (${a.cite})`);
  if (!ok) for (const step of s.steps) lines.push(`    step ${step.rule}: ${step.text}${step.amount === null ? '' : ` = ${formatMoney(step.amount)}`} [${step.cite}]`);
  return { name: example.name, ok, lines };
}

/** The prior year-to-date of an example: stored accumulators by name, the policy's own ledgers by key. */
function priorOf(prior: WorkedExample['prior']): Accumulators {
  const acc: Accumulators = emptyAccumulators();
  const ledgers: Record<string, InstanceType<typeof Decimal>> = {};
  for (const [name, value] of Object.entries(prior)) {
    if (name === 'admissions') acc.admissions = Number(value);
    else if (name === 'specialOutpatientCounted') acc.specialOutpatientCounted = value === true;
    else if ((MONEY_ACCUMULATORS as readonly string[]).includes(name)) acc[name as MoneyAccumulator] = new Decimal(String(value));
    else ledgers[name] = typeof value === 'boolean' ? (value ? new Decimal(1) : ZERO) : new Decimal(String(value));
  }
  if (Object.keys(ledgers).length > 0) acc.ledgers = ledgers;
  return acc;
}

export function formatCheck(check: PolicyCheck): string {
  const out: string[] = [];
  if (check.errors.length > 0) {
    out.push(`✗ ${check.file}: ${check.errors.length} error${check.errors.length === 1 ? '' : 's'}`);
    for (const error of check.errors) out.push(`    ${error}`);
    return out.join('\n');
  }
  out.push(
    `${check.ok ? '✓' : '✗'} ${check.file}: valid; ${check.examples.length} worked example${check.examples.length === 1 ? '' : 's'}, ${check.examples.filter((e) => !e.ok).length} failing`,
  );
  if (check.assumed.length > 0) {
    out.push(`  assumed values (${check.assumed.length}):`);
    for (const a of check.assumed) out.push(`    ${a}`);
  }
  for (const example of check.examples) {
    out.push(`  ${example.ok ? '✓' : '✗'} ${example.name}`);
    for (const line of example.lines) out.push(`      ${line}`);
  }
  return out.join('\n');
}
