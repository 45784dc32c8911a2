/**
 * A hospital's day ledger (api.md "Day statements and reconciliation"): each
 * settlement and each reversal is one entry of the business day it happened;
 * a reversal carries the settlement's amounts negated.
 *
 * One entry per settlement and per reversal, kept for the life of the year:
 * `toStored` / `fromStored` are the only translation.
 */
import { businessDayOf, type IsoDate } from './dates.js';
import { CorruptRecordError } from './errors.js';
import { fenOfText, textOfFen } from './money.js';
import { CLR_TYPE } from './code-tables.js';
import { FUNDS, type VisitType } from './types.js';

export type LedgerEntryKind = 'settlement' | 'reversal';

export interface LedgerEntry {
  kind: LedgerEntryKind;
  settlementId: string;
  requestId: string;
  hospitalId: string;
  card: string;
  /** settledAt of a settlement, reversedAt of a reversal */
  at: string;
  date: IsoDate;
  policyId: string;
  benefitYear: number;
  visitType: string;
  total: string;
  fundTotal: string;
  patientTotal: string;
  funds: Record<string, string>;
  operator: { id: string | null; name: string | null; keyId: string | null };
  /** A reversal's reason. */
  reason: string | null;
}

/**
 * Stored positionally, one JSON array per entry (a day-ledger hash holds ~1
 * entry per key at province scale, so every byte counts: npm run bench:memory):
 * [kind, settlementId, requestId, hospitalId, card, at, policyId, benefitYear,
 *  visitType, total, fundTotal, funds in FUNDS order (null where the policy has
 *  no such line, trailing ones left off), operator [id, name, keyId] | null, reason?].
 * The business day is that of `at`, and patientTotal = total − fundTotal, so
 * neither is stored.
 */
type StoredEntry = [
  'S' | 'R',
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
  string,
  string,
  (string | null)[],
  [string | null, string | null, string | null] | null,
  string?,
];

export function toStoredLedgerEntry(entry: LedgerEntry): string {
  const funds: (string | null)[] = FUNDS.map((fund) => entry.funds[fund] ?? null);
  while (funds.length > 0 && funds[funds.length - 1] === null) funds.pop();
  const { id, name, keyId } = entry.operator;
  const stored: StoredEntry = [
    entry.kind === 'settlement' ? 'S' : 'R',
    entry.settlementId,
    entry.requestId,
    entry.hospitalId,
    entry.card,
    entry.at,
    entry.policyId,
    entry.benefitYear,
    entry.visitType,
    entry.total,
    entry.fundTotal,
    funds,
    id !== null || name !== null || keyId !== null ? [id, name, keyId] : null,
  ];
  if (entry.reason !== null) stored.push(entry.reason);
  return JSON.stringify(stored);
}

export function fromStoredLedgerEntry(json: string): LedgerEntry {
  const [kind, settlementId, requestId, hospitalId, card, at, policyId, benefitYear, visitType, total, fundTotal, funds, operator, reason] = storedEntryOf(json);
  const byFund: Record<string, string> = {};
  funds.forEach((amount, i) => {
    if (amount !== null) byFund[FUNDS[i]!] = amount;
  });
  return {
    kind: kind === 'S' ? 'settlement' : 'reversal',
    settlementId,
    requestId,
    hospitalId,
    card,
    at,
    date: businessDayOf(at),
    policyId,
    benefitYear,
    visitType,
    total,
    fundTotal,
    patientTotal: textOfFen(fenOfText(total) - fenOfText(fundTotal)),
    funds: byFund,
    operator: { id: operator?.[0] ?? null, name: operator?.[1] ?? null, keyId: operator?.[2] ?? null },
    reason: reason ?? null,
  };
}

/*
 * The positional records checked by hand, not by a schema: a statement reads
 * every entry of a day, and these checks cost a few ns where a tuple schema
 * costs microseconds. A corrupt record is a CorruptRecordError, never a cast.
 */
const isText = (value: unknown): value is string => typeof value === 'string';
const isNullableText = (value: unknown): boolean => value === null || typeof value === 'string';
const isDayAmount = (value: unknown): boolean => typeof value === 'number' || typeof value === 'string';
const isOperator = (value: unknown): boolean => value === null || (Array.isArray(value) && value.length === 3 && value.every(isNullableText));

/** A stored positional record: JSON, an array of `min`–`max` fields, each passing its check in turn. */
function positionalRecord<T>(json: string, what: string, min: number, max: number, checks: ((value: unknown) => boolean)[]): T {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new CorruptRecordError(what, (error as Error).message);
  }
  if (!Array.isArray(value) || value.length < min || value.length > max) throw new CorruptRecordError(what, `expected an array of ${min}–${max} fields`);
  const bad = value.findIndex((field, i) => !checks[i]!(field));
  if (bad >= 0) throw new CorruptRecordError(what, `field ${bad}`);
  return value as T;
}

const STORED_ENTRY_CHECKS: ((value: unknown) => boolean)[] = [
  (kind) => kind === 'S' || kind === 'R',
  ...Array<(value: unknown) => boolean>(6).fill(isText),
  (year) => typeof year === 'number',
  isText,
  isText,
  isText,
  (funds) => Array.isArray(funds) && funds.every(isNullableText),
  isOperator,
  isNullableText,
];

function storedEntryOf(json: string): StoredEntry {
  return positionalRecord(json, 'ledger entry', 13, 14, STORED_ENTRY_CHECKS);
}

const DAY_REST_CHECKS: ((value: unknown) => boolean)[] = [
  isText,
  isText,
  isNullableText,
  isText,
  (year) => typeof year === 'number',
  isText,
  isDayAmount,
  isDayAmount,
  (funds) => Array.isArray(funds) && funds.every((amount) => amount === null || isDayAmount(amount)),
  isOperator,
  isNullableText,
];

function dayRestOf(json: string): DayRest {
  return positionalRecord(json, 'day-ledger member', 10, 11, DAY_REST_CHECKS);
}

const isRef = (value: unknown): boolean => (typeof value === 'number' && Number.isInteger(value) && value >= 0) || typeof value === 'string';
const NAMED_REST_CHECKS: ((value: unknown) => boolean)[] = [
  isText,
  isText,
  (plan) => Array.isArray(plan) || (typeof plan === 'number' && Number.isInteger(plan) && plan >= 0),
  isDayAmount,
  (funds) => Array.isArray(funds) && funds.every((amount) => amount === null || isDayAmount(amount)),
  (operator) => operator === null || (Array.isArray(operator) && operator.length === 3 && operator.every((part) => part === null || isRef(part))),
  (fundTotal) => fundTotal === null || isDayAmount(fundTotal),
  isNullableText,
  isNullableText,
];

type NamedRest = [string, string, number | unknown[], DayAmount, (DayAmount | null)[], (number | string | null)[] | null, (DayAmount | null)?, (string | null)?, (string | null)?];

/** A name the member refers to by its index, or the value written inline. */
function named(ref: unknown, names: DayNames): unknown {
  if (typeof ref !== 'number') return ref;
  if (ref >= names.length) throw new CorruptRecordError('day-ledger member', `no name ${ref} in the day`);
  return names[ref];
}

const isPlan = (plan: unknown): plan is [string, number, string, number] =>
  Array.isArray(plan) &&
  plan.length === 4 &&
  typeof plan[0] === 'string' &&
  typeof plan[1] === 'number' &&
  typeof plan[2] === 'string' &&
  Number.isInteger(plan[3]) &&
  plan[3] <= FUNDS.length;

function fromNamedRest(json: string, of: { settlementId: string; kind: LedgerEntryKind; hospitalId: string; score: number }, names: DayNames): LedgerEntry {
  const [requestId, card, planRef, totalAmount, funds, operatorRefs, fundAmount, at, reason] = positionalRecord<NamedRest>(
    `[${json}]`,
    'day-ledger member',
    6,
    9,
    NAMED_REST_CHECKS,
  );
  const plan = named(planRef, names);
  if (!isPlan(plan) || funds.length > plan[3]) throw new CorruptRecordError('day-ledger member', 'field 2');
  // The funds listed at 0.00 after the last other one are left off (the plan counts the funds).
  while (funds.length < plan[3]) funds.push(0);
  const operator = operatorRefs?.map((ref) => named(ref, names)) ?? [null, null, null];
  if (!operator.every(isNullableText)) throw new CorruptRecordError('day-ledger member', 'field 5');
  let fundTotal: string;
  if (fundAmount !== undefined && fundAmount !== null) fundTotal = fromDayAmount(fundAmount);
  else if (funds.every((amount) => typeof amount === 'number')) fundTotal = textOfFen(sumOf(funds as number[]));
  else throw new CorruptRecordError('day-ledger member', 'field 6');
  const [policyId, benefitYear, visitType] = plan;
  return entryOfDay({ ...of, requestId, card, at, policyId, benefitYear, visitType, total: fromDayAmount(totalAmount), fundTotal, funds, operator, reason });
}

/** A day member's fields, either format, as the entry they record (its time from the score when the member leaves it out). */
function entryOfDay(f: {
  kind: LedgerEntryKind;
  settlementId: string;
  requestId: string;
  hospitalId: string;
  card: string;
  at: string | null | undefined;
  score: number;
  policyId: string;
  benefitYear: number;
  visitType: string;
  total: string;
  fundTotal: string;
  funds: (DayAmount | null)[];
  operator: readonly unknown[] | null | undefined;
  reason: string | null | undefined;
}): LedgerEntry {
  const byFund: Record<string, string> = {};
  f.funds.forEach((amount, i) => {
    if (amount !== null) byFund[FUNDS[i]!] = fromDayAmount(amount);
  });
  const when = f.at ?? new Date(f.score).toISOString();
  return {
    kind: f.kind,
    settlementId: f.settlementId,
    requestId: f.requestId,
    hospitalId: f.hospitalId,
    card: f.card,
    at: when,
    date: businessDayOf(when),
    policyId: f.policyId,
    benefitYear: f.benefitYear,
    visitType: f.visitType,
    total: f.total,
    fundTotal: f.fundTotal,
    patientTotal: textOfFen(fenOfText(f.total) - fenOfText(f.fundTotal)),
    funds: byFund,
    operator: { id: (f.operator?.[0] as string | null) ?? null, name: (f.operator?.[1] as string | null) ?? null, keyId: (f.operator?.[2] as string | null) ?? null },
    reason: f.reason ?? null,
  };
}

/** The ledger field of an entry: a settlement and its reversal are two fields, each written once. */
export function ledgerField(kind: LedgerEntryKind, settlementId: string): string {
  return kind === 'settlement' ? settlementId : `${settlementId}:r`;
}

/**
 * An entry as a member of its hospital-day's ordered set (scored by the ms of
 * `at`): "<settlementId>|<0 settlement, 1 reversal>|<JSON rest>", so members
 * of one ms sort by id, a settlement before its reversal — the statement's
 * order. The hospital and day are the key's; `at` is left out (null) when the
 * score gives it back exactly. Written once per ledger field: the same entry
 * moved twice is the same member.
 */
type DayRest = [string, string, string | null, string, number, string, DayAmount, DayAmount, (DayAmount | null)[], [string | null, string | null, string | null] | null, string?];

/** An amount in the day's entries: integer fen when that gives its text back exactly (fewer bytes), else the text. */
type DayAmount = number | string;
const toDayAmount = (text: string): DayAmount => {
  const fen = fenOfText(text);
  return textOfFen(fen) === text && fen <= BigInt(Number.MAX_SAFE_INTEGER) && -fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : text;
};
const fromDayAmount = (amount: DayAmount): string => (typeof amount === 'number' ? textOfFen(BigInt(amount)) : amount);

export const dayScoreOf = (entry: LedgerEntry): number => Date.parse(entry.at);

/**
 * The day member as written now: "<settlementId>|<kind>" and the fields of a
 * JSON array, its brackets left off:
 * requestId, card, plan, total, funds, operator | null, fundTotal?, at?, reason?;
 * plan being [policyId, benefitYear, visitType, how many funds are listed],
 * funds without the trailing ones at 0.00, and operator [id, name, keyId].
 * What repeats within a hospital-day (the plan, each operator part) is kept
 * once in the day's names (a list the compaction script appends to) and
 * written as its index there, or inline once the list holds DAY_NAMES_BOUND.
 * fundTotal is left out (null) when it is the sum of the funds; `at` as above.
 * The first format ("<id>|<kind>|[…]") is told apart by the "|" after the kind
 * (here the requestId's '"').
 */
export const DAY_NAMES_BOUND = 256;

/** The day's names, each a JSON literal as the list holds it, parsed once per read (a day begun with names starts with the mark 0, never referred to). */
export type DayNames = readonly unknown[];

export function dayNamesOf(list: readonly string[]): DayNames {
  return list.map((literal, i) => {
    try {
      return JSON.parse(literal) as unknown;
    } catch {
      throw new CorruptRecordError('day-ledger name', `index ${i}`);
    }
  });
}

/**
 * An entry as the compaction script takes it: the member the first format
 * made of it (if the day holds that, the entry is in), and the member now:
 * its identity, then the template with the byte \x01, \x02, … standing for
 * names[0], names[1], … (JSON.stringify never writes those bytes raw), the
 * names as JSON literals. The day's names only grow, so the same entry is the
 * same member again (a value keeps its index; one written inline because the
 * names were full is inline again).
 */
export interface DayMemberDraft {
  firstFormat: string;
  identity: string;
  template: string;
  names: string[];
}

/** The member as compaction wrote it before the day's names: "<id>|<kind>|[…]" (kept only to find such an entry again). */
export function toFirstDayMember(entry: LedgerEntry): string {
  return firstDayMember(entry, dayFundsOf(entry), new Date(dayScoreOf(entry)).toISOString() === entry.at);
}

/** The funds in FUNDS order as day amounts, null where not listed, trailing unlisted ones left off. */
function dayFundsOf(entry: LedgerEntry): (DayAmount | null)[] {
  const funds: (DayAmount | null)[] = FUNDS.map((fund) => (entry.funds[fund] === undefined ? null : toDayAmount(entry.funds[fund])));
  while (funds.length > 0 && funds[funds.length - 1] === null) funds.pop();
  return funds;
}

function firstDayMember(entry: LedgerEntry, funds: readonly (DayAmount | null)[], exact: boolean): string {
  const { id, name, keyId } = entry.operator;
  const rest: DayRest = [
    entry.requestId,
    entry.card,
    exact ? null : entry.at,
    entry.policyId,
    entry.benefitYear,
    entry.visitType,
    toDayAmount(entry.total),
    toDayAmount(entry.fundTotal),
    [...funds],
    id !== null || name !== null || keyId !== null ? [id, name, keyId] : null,
  ];
  if (entry.reason !== null) rest.push(entry.reason);
  return `${entry.settlementId}|${entry.kind === 'settlement' ? 0 : 1}|${JSON.stringify(rest)}`;
}

export function toDayMemberDraft(entry: LedgerEntry): DayMemberDraft {
  const names: string[] = [];
  const name = (value: unknown): string => {
    names.push(JSON.stringify(value));
    return String.fromCharCode(names.length);
  };
  const part = (value: string | null) => (value === null ? 'null' : name(value));
  const funds = dayFundsOf(entry);
  const exact = new Date(dayScoreOf(entry)).toISOString() === entry.at;
  const firstFormat = firstDayMember(entry, funds, exact);
  const listed = funds.length;
  while (funds.length > 0 && funds[funds.length - 1] === 0) funds.pop();
  const fundTotal = toDayAmount(entry.fundTotal);
  const summed = typeof fundTotal === 'number' && funds.every((amount) => typeof amount === 'number') && sumOf(funds as number[]) === BigInt(fundTotal);
  const { id, name: clerk, keyId } = entry.operator;
  const operator = id !== null || clerk !== null || keyId !== null ? `[${part(id)},${part(clerk)},${part(keyId)}]` : 'null';
  const plan = name([entry.policyId, entry.benefitYear, entry.visitType, listed]);
  const tail = [summed ? null : fundTotal, exact ? null : entry.at, entry.reason];
  while (tail.length > 0 && tail[tail.length - 1] === null) tail.pop();
  const head = `${JSON.stringify(entry.requestId)},${JSON.stringify(entry.card)},${plan},${JSON.stringify(toDayAmount(entry.total))},${JSON.stringify(funds)},${operator}`;
  return {
    firstFormat,
    identity: `${entry.settlementId}|${entry.kind === 'settlement' ? 0 : 1}`,
    template: `${head}${tail.map((field) => `,${JSON.stringify(field)}`).join('')}`,
    names,
  };
}

const sumOf = (amounts: number[]): bigint => amounts.reduce((sum, amount) => sum + BigInt(amount), 0n);

/**
 * The member the compaction script makes of a draft (compact-ledger-3.lua does
 * the same in Redis): each name is looked up in the day's names, appended if
 * new while they hold fewer than `bound`, and written as its index, else inline.
 */
export function dayMemberOf(draft: DayMemberDraft, names: string[], bound = DAY_NAMES_BOUND): string {
  const refs = draft.names.map((literal) => {
    let index = names.indexOf(literal);
    if (index < 0 && names.length < bound) index = names.push(literal) - 1;
    return index < 0 ? literal : String(index);
  });
  return draft.identity + draft.template.replace(/[\x01-\x09]/g, (slot) => refs[slot.charCodeAt(0) - 1]!);
}

export function fromDayMember(member: string, score: number, hospitalId: string, names: DayNames = []): LedgerEntry {
  const first = member.indexOf('|');
  const settlementId = member.slice(0, first);
  const kind = member.slice(first + 1, first + 2) === '0' ? 'settlement' : 'reversal';
  if (member[first + 2] !== '|') return fromNamedRest(member.slice(first + 2), { settlementId, kind, hospitalId, score }, names);
  const [requestId, card, at, policyId, benefitYear, visitType, totalAmount, fundAmount, funds, operator, reason] = dayRestOf(member.slice(first + 3));
  return entryOfDay({
    kind,
    settlementId,
    requestId,
    hospitalId,
    card,
    at,
    score,
    policyId,
    benefitYear,
    visitType,
    total: fromDayAmount(totalAmount),
    fundTotal: fromDayAmount(fundAmount),
    funds,
    operator,
    reason,
  });
}

/**
 * What one entry adds to its hospital-day's figures hash, in integer fen and
 * counts (HINCRBY; `sign` -1 takes it off again): totals under n (count), s
 * (settlements), t (total), f (fund total), F<fund>; each group (clearing
 * type, policy, visit type) under "<clrType>|<policyId>|<visitType>|<the same>".
 * The patient's share is t − f, so it is not kept.
 */
export function dayFigureDeltas(entry: LedgerEntry, sign: 1n | -1n = 1n): string[] {
  const group = `${CLR_TYPE[entry.visitType as VisitType] ?? '21'}|${entry.policyId}|${entry.visitType}|`;
  const total = String(sign * fenOfText(entry.total));
  const fund = String(sign * fenOfText(entry.fundTotal));
  const one = String(sign);
  const fields = ['n', one, 't', total, 'f', fund, `${group}n`, one, `${group}t`, total, `${group}f`, fund];
  if (entry.kind === 'settlement') fields.push('s', one);
  for (const [name, amount] of Object.entries(entry.funds)) {
    const fen = String(sign * fenOfText(amount));
    fields.push(`F${name}`, fen, `${group}F${name}`, fen);
  }
  return fields;
}
