/**
 * Shared pieces of the load, crash and fuzz suites (test/load): one listening
 * HTTP server per app (so hundreds of parallel supertest calls share it),
 * exact decimal sums of wire money, accumulator arithmetic on the wire form,
 * the contract's error-body shape, and reading counters off /metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { Decimal } from '../../src/domain/money.js';
import { MONEY_ACCUMULATORS } from '../../src/domain/types.js';
import { STATUS_OF } from '../../src/http/errors.js';

/** Wire accumulators (GET …/accumulators/{year}, accumulatorsBefore/After): money as strings, counts as numbers. */
export type WireAccumulators = Record<string, string | number | boolean>;

/** The money accumulators of policies.md, as on the wire. */
export const MONEY_FIELDS = MONEY_ACCUMULATORS;

export interface ListeningApp {
  http: ReturnType<typeof supertest>;
  server: http.Server;
  close(): Promise<void>;
}

/** Listens once on 127.0.0.1 so parallel supertest calls share one server instead of starting one each. */
export async function listen(app: http.RequestListener): Promise<ListeningApp> {
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    http: supertest(`http://127.0.0.1:${port}`),
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const dec = (value: string | number): InstanceType<typeof Decimal> => new Decimal(value);

/** Exact Σ of money strings, as a two-decimal string. */
export function sumMoney(values: Iterable<string>): string {
  let total = dec(0);
  for (const value of values) total = total.plus(dec(value));
  return total.toFixed(2);
}

/** Per field Σ (after − before) over the given settlements: what they moved, as the accumulators show it. */
export function deltasOf(settlements: { accumulatorsBefore: WireAccumulators; accumulatorsAfter: WireAccumulators }[]): {
  admissions: number;
  money: Record<(typeof MONEY_FIELDS)[number], string>;
} {
  let admissions = 0;
  const money = Object.fromEntries(MONEY_FIELDS.map((f) => [f, dec(0)])) as Record<(typeof MONEY_FIELDS)[number], InstanceType<typeof Decimal>>;
  for (const s of settlements) {
    admissions += Number(s.accumulatorsAfter.admissions) - Number(s.accumulatorsBefore.admissions);
    for (const field of MONEY_FIELDS) {
      money[field] = money[field].plus(dec(String(s.accumulatorsAfter[field]))).minus(dec(String(s.accumulatorsBefore[field])));
    }
  }
  return { admissions, money: Object.fromEntries(MONEY_FIELDS.map((f) => [f, money[f].toFixed(2)])) as Record<(typeof MONEY_FIELDS)[number], string> };
}

/** start + Σ deltas, in the wire form of the money fields and admissions. */
export function plusDeltas(start: WireAccumulators, deltas: ReturnType<typeof deltasOf>): { admissions: number } & Record<string, string | number> {
  const out: { admissions: number } & Record<string, string | number> = { admissions: Number(start.admissions) + deltas.admissions };
  for (const field of MONEY_FIELDS) out[field] = dec(String(start[field])).plus(dec(deltas.money[field])).toFixed(2);
  return out;
}

/** The money fields and admissions of wire accumulators, for comparisons. */
export function countedPart(acc: WireAccumulators): { admissions: number } & Record<string, string | number> {
  const out: { admissions: number } & Record<string, string | number> = { admissions: Number(acc.admissions) };
  for (const field of MONEY_FIELDS) out[field] = dec(String(acc[field])).toFixed(2);
  return out;
}

/**
 * Why a body is not the contract's error shape
 * `{"error":{"code":string,"message":string,"details":[{"path":string,"message":string}]}}`
 * (and its code not the one its status stands for), or null when it is.
 */
export function errorShapeProblem(status: number, body: unknown): string | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not an object';
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object' || Array.isArray(error)) return 'no error object';
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string') return 'error.code is not a string';
  if (typeof message !== 'string') return 'error.message is not a string';
  if (!Array.isArray(details)) return 'error.details is not an array';
  for (const detail of details) {
    if (detail === null || typeof detail !== 'object') return 'a detail is not an object';
    const { path, message: m } = detail as { path?: unknown; message?: unknown };
    if (typeof path !== 'string' || typeof m !== 'string') return 'a detail lacks path or message strings';
  }
  if (!(code in STATUS_OF)) return `unknown error code ${code}`;
  if (STATUS_OF[code as keyof typeof STATUS_OF] !== status) return `code ${code} is not a ${status}`;
  if (status === 400 && code !== 'VALIDATION_FAILED') return `a 400 with code ${code}`;
  if (status === 413 && code !== 'PAYLOAD_TOO_LARGE') return `a 413 with code ${code}`;
  if (/\n\s+at /.test(message)) return 'the message carries a stack trace';
  return null;
}

/** The value of one sample line of Prometheus text (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const found = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Jinjiang 2018 enrollee with full-year coverage and no categories. */
export function jinjiangEnrollee(): Record<string, unknown> {
  return { region: 'jinjiang', sex: 'M', birthDate: '1970-01-01', coverage: [{ from: '2018-01-01', to: '2018-12-31' }], categories: [], specialDiseases: [] };
}

/** A Pingyang 2019 enrollee with full-year coverage and no categories. */
/** A three-day Pingyang inpatient stay of 3,000.00 at PY-COUNTY (2019-07-01…03), with any field overridden. */
export function pyStay(card: string, requestId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId,
    card,
    hospitalId: 'PY-COUNTY',
    visitType: 'inpatient',
    admissionDate: '2019-07-01',
    dischargeDate: '2019-07-03',
    charges: { total: '3000.00' },
    ...overrides,
  };
}

export function pingyangEnrollee(): Record<string, unknown> {
  return { region: 'pingyang', sex: 'M', birthDate: '1970-01-01', coverage: [{ from: '2019-01-01', to: '2019-12-31' }], categories: [], specialDiseases: [] };
}

/** Charges whose policy-scope amount is `total` (no self-pay parts). */
export function charges(total: string): Record<string, string> {
  return { total, fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' };
}

/** A Pingyang enrollee covered through 2019, nothing else filed: the person the ledger tests and bench settle. */
export const pingyang2019Enrollee = (card: string) => ({
  card,
  region: 'pingyang',
  sex: 'M' as const,
  birthDate: '1970-01-01',
  coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  categories: [],
  specialDiseases: [],
  maternityInsured: false,
});
