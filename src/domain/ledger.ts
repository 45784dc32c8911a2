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

export function toDayMember(entry: LedgerEntry): string {
  const funds: (DayAmount | null)[] = FUNDS.map((fund) => (entry.funds[fund] === undefined ? null : toDayAmount(entry.funds[fund])));
  while (funds.length > 0 && funds[funds.length - 1] === null) funds.pop();
  const { id, name, keyId } = entry.operator;
  const exact = new Date(dayScoreOf(entry)).toISOString() === entry.at;
  const rest: DayRest = [
    entry.requestId,
    entry.card,
    exact ? null : entry.at,
    entry.policyId,
    entry.benefitYear,
    entry.visitType,
    toDayAmount(entry.total),
    toDayAmount(entry.fundTotal),
    funds,
    id !== null || name !== null || keyId !== null ? [id, name, keyId] : null,
  ];
  if (entry.reason !== null) rest.push(entry.reason);
  return `${entry.settlementId}|${entry.kind === 'settlement' ? 0 : 1}|${JSON.stringify(rest)}`;
}

export function fromDayMember(member: string, score: number, hospitalId: string): LedgerEntry {
  const first = member.indexOf('|');
  const settlementId = member.slice(0, first);
  const kind = member.slice(first + 1, first + 2) === '0' ? 'settlement' : 'reversal';
  const [requestId, card, at, policyId, benefitYear, visitType, totalAmount, fundAmount, funds, operator, reason] = dayRestOf(member.slice(first + 3));
  const byFund: Record<string, string> = {};
  funds.forEach((amount, i) => {
    if (amount !== null) byFund[FUNDS[i]!] = fromDayAmount(amount);
  });
  const total = fromDayAmount(totalAmount);
  const fundTotal = fromDayAmount(fundAmount);
  const when = at ?? new Date(score).toISOString();
  return {
    kind,
    settlementId,
    requestId,
    hospitalId,
    card,
    at: when,
    date: businessDayOf(when),
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
