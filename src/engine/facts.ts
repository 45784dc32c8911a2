/**
 * The facts a policy's rules are judged on (hospital, person, visit), the
 * policy's own dimensions derived from them, conditions, and table lookups.
 * Every looked-up value comes back with its citation and whether it is assumed.
 */
import type { IsoDate } from '../domain/dates.js';
import { Decimal, type Money } from '../domain/money.js';
import type { Enrollee, Filing, Hospital, SettlementRequest } from '../domain/types.js';
import type { Condition, Dimension, Policy, Ref, Table, TableRow } from '../policy/schema.js';
import { TABLE_MEMO_LIMIT, compiledOf, type TableHit } from '../policy/compiled.js';
import { NOT_COVERED } from '../policy/vocabulary.js';
import { Refused } from './explanation.js';

export interface AssumedValue {
  /** Where in the file: "tables.deductible[tier=3]". */
  path: string;
  value: string;
  cite: string;
}

export interface Facts {
  policy: Policy;
  request: SettlementRequest;
  hospital: Hospital;
  enrollee: Enrollee;
  inArea: boolean;
  filing: Filing | null;
  /** The date values with effective dates are judged on (the attribution date). */
  date: IsoDate;
  /** The policy's dimensions, derived once. */
  dims: Record<string, string>;
  /** Labels of the dimension cases and shifts that applied, for the explanation. */
  dimLabels: string[];
  assumed: AssumedValue[];
}

/**
 * The decimal of a number written in a policy file. Files hold few distinct
 * numbers and decimals are immutable, so each is parsed once (a parse costs
 * more than the arithmetic it feeds).
 */
const DECIMALS = new Map<string, Money>();
export function decimalOf(text: string): Money {
  let value = DECIMALS.get(text);
  if (value === undefined) {
    value = new Decimal(text);
    if (DECIMALS.size < 10_000) DECIMALS.set(text, value);
  }
  return value;
}

function prefixed(admdvs: string, prefixes: readonly string[]): boolean {
  for (const prefix of prefixes) if (admdvs.startsWith(prefix)) return true;
  return false;
}

/** Whole years of age on `on`. */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A built-in fact as a table key value, or undefined where the visit has none. */
export function builtIn(facts: Facts, name: string): string | undefined {
  const { hospital, request, enrollee } = facts;
  switch (name) {
    case 'hospital.level':
      return String(hospital.level);
    case 'hospital.kind':
      return hospital.kind;
    case 'hospital.designation':
      return hospital.designation ?? 'pooling-region';
    case 'inArea':
      return String(facts.inArea);
    case 'filed':
      return String(facts.filing !== null);
    case 'emergency':
      return String(request.emergency === true);
    case 'referredFromPrimary':
      return String(request.referredFromPrimary === true);
    case 'visitType':
      return request.visitType;
    case 'delivery':
      return request.delivery ?? undefined;
    case 'contributionTier':
      return enrollee.contributionTier ?? undefined;
    case 'diseaseGroup':
      return request.diseaseGroup ?? undefined;
    case 'specialDisease':
      return request.specialDisease ?? undefined;
    case 'sex':
      return enrollee.sex;
    default:
      return facts.dims[name];
  }
}

export function holds(when: Condition | undefined, facts: Omit<Facts, 'dims'> & { dims: Record<string, string> }): boolean {
  if (!when) return true;
  const { hospital, request, enrollee } = facts;
  const categories = enrollee.categories;
  if (when.admdvsPrefixes && !prefixed(hospital.admdvs, when.admdvsPrefixes)) return false;
  if (when.notAdmdvsPrefixes && prefixed(hospital.admdvs, when.notAdmdvsPrefixes)) return false;
  if (when.kinds && !when.kinds.includes(hospital.kind)) return false;
  if (when.levels && !when.levels.includes(hospital.level)) return false;
  if (when.countyRun !== undefined && when.countyRun !== hospital.countyRun) return false;
  if (when.consortium !== undefined && when.consortium !== Boolean(hospital.consortium)) return false;
  if (when.designations && !when.designations.includes(hospital.designation ?? 'pooling-region')) return false;
  if (when.inArea !== undefined && when.inArea !== facts.inArea) return false;
  if (when.filed !== undefined && when.filed !== (facts.filing !== null)) return false;
  if (when.emergency !== undefined && when.emergency !== (request.emergency === true)) return false;
  if (when.referredFromPrimary !== undefined && when.referredFromPrimary !== (request.referredFromPrimary === true)) return false;
  if (when.visitTypes && !when.visitTypes.includes(request.visitType)) return false;
  if (when.deliveries && !(request.delivery && when.deliveries.includes(request.delivery))) return false;
  if (when.majorDiseases && !(request.majorDisease && when.majorDiseases.includes(request.majorDisease))) return false;
  if (when.specialDiseases && !(request.specialDisease && when.specialDiseases.includes(request.specialDisease))) return false;
  if (when.diseaseGroups && !(request.diseaseGroup && when.diseaseGroups.includes(request.diseaseGroup))) return false;
  if (when.categoriesAny && !anyOf(when.categoriesAny, categories)) return false;
  if (when.categoriesNone && anyOf(when.categoriesNone, categories)) return false;
  if (when.contributionTiers && !(enrollee.contributionTier && when.contributionTiers.includes(enrollee.contributionTier))) return false;
  if (when.sex && when.sex !== enrollee.sex) return false;
  if (when.age) {
    const age = ageOn(enrollee.birthDate, request.admissionDate);
    if (when.age.min !== undefined && age < when.age.min) return false;
    if (when.age.below !== undefined && age >= when.age.below) return false;
  }
  if (when.from && facts.date < when.from) return false;
  if (when.to && facts.date > when.to) return false;
  if (when.is) {
    for (const [name, wanted] of Object.entries(when.is)) {
      const actual = builtIn(facts as Facts, name);
      if (actual === undefined || !(Array.isArray(wanted) ? wanted.includes(actual) : wanted === actual)) return false;
    }
  }
  return true;
}

/** Derives every dimension of the policy, in file order (a later one may test an earlier one with `is`). */
export function deriveDimensions(facts: Facts): void {
  for (const [name, dim] of Object.entries(facts.policy.dimensions)) {
    let value: string | undefined;
    if (dim.start === 'hospital.level') value = String(facts.hospital.level);
    let hit: Dimension['cases'][number] | undefined;
    for (const c of dim.cases) {
      if (holds(c.when, facts)) {
        hit = c;
        break;
      }
    }
    if (hit) {
      value = hit.value;
      if (hit.label) facts.dimLabels.push(hit.label);
    }
    if (value === undefined) value = dim.default;
    if (value === undefined) throw new Refused('NOT_COVERED', `${facts.policy.id}: no class "${name}" fits this hospital and visit (${dim.cite})`);
    if (dim.shifts.length > 0 || dim.min !== undefined || dim.max !== undefined) {
      let n = Number(value);
      for (const shift of dim.shifts) {
        if (!holds(shift.when, facts)) continue;
        n += shift.by;
        facts.dimLabels.push(shift.label);
      }
      if (dim.min !== undefined) n = Math.max(n, dim.min);
      if (dim.max !== undefined) n = Math.min(n, dim.max);
      value = String(n);
    }
    facts.dims[name] = value;
  }
}

export interface Looked {
  value: Money;
  cite: string;
  decision: string | undefined;
  /** "deductible[tier=3]" or the literal. */
  label: string;
}

/** A value written in the file or looked up in a table; "not-covered" refuses the settlement. */
export function lookup(facts: Facts, value: Ref, fallbackCite: string): Looked {
  if (typeof value === 'string') return { value: decimalOf(value), cite: fallbackCite, decision: undefined, label: value };
  const compiled = compiledOf(facts.policy).tables.get(value.table)!;
  // The row found depends only on the key facts (and the date, for dated rows): remembered per policy.
  let key = compiled.dated ? facts.date : '';
  for (const dim of compiled.keyDims) key += `\u0000${builtIn(facts, dim) ?? '\u0001'}`;
  let hit = compiled.memo.get(key);
  if (hit === undefined) {
    hit = findRow(facts, value.table, compiled.table);
    if (compiled.memo.size < TABLE_MEMO_LIMIT) compiled.memo.set(key, hit);
  }
  if (hit.value === null) {
    throw new Refused('NOT_COVERED', `${facts.policy.id}: ${compiled.table.label ?? value.table} is not covered at ${hit.keyText || 'this visit'} (${hit.cite})`);
  }
  if (hit.assumedPath !== null) {
    let known = false;
    for (const a of facts.assumed) if (a.path === hit.assumedPath) known = true;
    if (!known) facts.assumed.push({ path: hit.assumedPath, value: hit.text!, cite: hit.cite });
  }
  return hit as Looked;
}

/** The first row whose key matches (and whose dates hold), with the texts that explain it. */
function findRow(facts: Facts, name: string, table: Table): TableHit {
  let row: TableRow | undefined;
  for (const r of table.rows) {
    if (rowMatches(facts, r)) {
      row = r;
      break;
    }
  }
  let keyText = '';
  let keyLabel = '';
  for (const dim of table.by) {
    const actual = builtIn(facts, dim) ?? '—';
    keyText += `${keyText ? ', ' : ''}${dim} "${actual}"`;
    keyLabel += `${keyLabel ? '，' : ''}${facts.policy.dimensions[dim]?.label ?? dim} ${actual}`;
  }
  const label = `${table.label ?? name}${keyLabel ? `：${keyLabel}` : ''}`;
  const text = row ? row.value : table.default;
  const cite = row?.cite ?? table.cite;
  const covered = text !== undefined && text !== NOT_COVERED;
  return {
    value: covered ? decimalOf(text) : null,
    cite,
    decision: row?.decision ?? table.decision,
    label,
    text,
    keyText,
    assumedPath: covered && (row?.assumed || table.assumed) ? `tables.${name}${keyText ? `[${keyText}]` : ''}` : null,
  };
}

function anyOf<T>(wanted: readonly T[], held: readonly T[]): boolean {
  for (const item of wanted) if (held.includes(item)) return true;
  return false;
}

function rowMatches(facts: Facts, row: TableRow): boolean {
  if (row.from !== undefined && facts.date < row.from) return false;
  if (row.to !== undefined && facts.date > row.to) return false;
  for (const dim in row.key) {
    const wanted = row.key[dim]!;
    const actual = builtIn(facts, dim);
    if (actual === undefined || !(Array.isArray(wanted) ? wanted.includes(actual) : wanted === actual)) return false;
  }
  return true;
}
