/**
 * A settlement on the wire (api.md "Settlements", "Fee lines"): the request
 * a hospital sends, parsed into the domain's SettlementRequest, and the
 * settlement the service answers.
 */
import { z } from 'zod';
import { CATALOGUE_CODE_PATTERN, UNIT_PRICE_PATTERN } from '../catalogue/row.js';
import { Decimal, MAX_AMOUNT, MONEY_PATTERN, ZERO, formatMoney, lineAmountFen, lineRoundingTooLarge, round2, scaledOfText, type Money } from '../domain/money.js';
import { isIsoDate } from '../domain/dates.js';
import { DELIVERIES, FUNDS, LIABILITIES, VISIT_TYPES, type FeeLine, type RequestCharges, type SettlementRequest } from '../domain/types.js';
import {
  ID_PATTERN,
  absent,
  cardSchema,
  code,
  dateSchema,
  idSchema,
  isoDate,
  moneySchema,
  nullableString,
  operatorView,
  policyVersionSchema,
  timestamp,
  wireMoney,
} from './fields.js';
import { accumulatorsSchema } from './registry.js';

/** At most this many lines in one itemised bill (api.md "Fee lines"). */
export const MAX_FEE_LINES = 5000;
/** Quantities: > 0, at most 8 integer digits and 4 decimals (cnt is 16,4 on the national platform). */
const QUANTITY_PATTERN = /^(0|[1-9]\d{0,7})(\.\d{1,4})?$/;
const FEE_TIME_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const FREE_TEXT_PATTERN = /^[^\u0000-\u001f\u007f]+$/;
/** MAX_AMOUNT in fen: 5,000 lines of at most that each stay far below 2^53. */
const MAX_AMOUNT_FEN = 99_999_999_999;

const notANumber = (what: string, example: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'required' : `${what} must be a string such as "${example}", not a number`;

const freeText = (max: number) => z.string().min(1).max(max).regex(FREE_TEXT_PATTERN, 'no control characters');

/**
 * One line's shape: strings checked by pattern only. The arithmetic (amount =
 * quantity × unitPrice), unique lineIds and the bill's bound are checked once
 * over the whole list below, where each line's decimals are made once — a
 * transform or refinement per line costs about ten times as much on a
 * 5,000-line bill.
 */
export const feeLineSchema = z.strictObject({
  lineId: idSchema,
  code: z.string().regex(CATALOGUE_CODE_PATTERN, 'expected a catalogue code of 1–50 letters, digits, ".", "_" or "-"'),
  hospitalCode: freeText(64).nullish(),
  name: freeText(200).nullish(),
  quantity: z.string({ error: notANumber('quantity', '2') }).regex(QUANTITY_PATTERN, 'quantity is a decimal string greater than 0 with at most 8 integer digits and 4 decimals'),
  unitPrice: z.string({ error: notANumber('unitPrice', '12.50') }).regex(UNIT_PRICE_PATTERN, 'unitPrice is yuan per unit as a decimal string with at most 6 decimals'),
  amount: z.string({ error: notANumber('amount', '25.00') }).regex(MONEY_PATTERN, 'money is a decimal string between "0" and "999999999.99" with at most two decimals'),
  time: z.string().regex(FEE_TIME_PATTERN, 'expected a time YYYY-MM-DDTHH:mm:ss').nullish(),
});

export type WireFeeLine = z.output<typeof feeLineSchema>;

/** The schema's keys, each with its place in the schema's order. */
const FEE_LINE_KEYS = new Map(['lineId', 'code', 'hospitalCode', 'name', 'quantity', 'unitPrice', 'amount', 'time'].map((key, i) => [key, i]));
const isText = (value: unknown, pattern: RegExp): value is string => typeof value === 'string' && pattern.test(value);
const isFreeText = (value: unknown, max: number) => value === null || (typeof value === 'string' && value.length >= 1 && value.length <= max && FREE_TEXT_PATTERN.test(value));

/**
 * feeLineSchema's output for a line it accepts, checked by hand (about a
 * tenth of the schema's cost on a large bill); null for any line it might
 * refuse, which then goes to the schema for its issues. Property-tested
 * against the schema (test/property/fee-line-wire.property.test.ts).
 */
export function acceptedFeeLine(value: unknown): WireFeeLine | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const line = value as Record<string, unknown>;
  let place = -1;
  let inOrder = true;
  for (const key of Object.keys(line)) {
    const at = FEE_LINE_KEYS.get(key);
    if (at === undefined || line[key] === undefined) return null;
    inOrder &&= at > place;
    place = at;
  }
  const { lineId, code, hospitalCode, name, quantity, unitPrice, amount, time } = line;
  if (!isText(lineId, ID_PATTERN) || !isText(code, CATALOGUE_CODE_PATTERN)) return null;
  if (!isText(quantity, QUANTITY_PATTERN) || !isText(unitPrice, UNIT_PRICE_PATTERN) || !isText(amount, MONEY_PATTERN)) return null;
  // In the schema's key order, as its output is: a line sent so is its own copy (nothing changes a wire line).
  if (inOrder) {
    if (hospitalCode !== undefined && !isFreeText(hospitalCode, 64)) return null;
    if (name !== undefined && !isFreeText(name, 200)) return null;
    if (time !== undefined && time !== null && !isText(time, FEE_TIME_PATTERN)) return null;
    return line as WireFeeLine;
  }
  const out: Record<string, unknown> = { lineId, code };
  if (hospitalCode !== undefined) {
    if (!isFreeText(hospitalCode, 64)) return null;
    out.hospitalCode = hospitalCode;
  }
  if (name !== undefined) {
    if (!isFreeText(name, 200)) return null;
    out.name = name;
  }
  out.quantity = quantity;
  out.unitPrice = unitPrice;
  out.amount = amount;
  if (time !== undefined) {
    if (time !== null && !isText(time, FEE_TIME_PATTERN)) return null;
    out.time = time;
  }
  return out as WireFeeLine;
}

/**
 * The checks across a bill's lines (unique lineIds, amount = quantity ×
 * unitPrice, the bill's bound), a range of lines at a time: the schema runs
 * them over the whole list at once, a large bill in turns (src/http/bill-body.ts).
 * Paths are relative to the list.
 */
export class FeeLineChecks {
  private readonly parsed: FeeLine[];
  private readonly seen = new Set<string>();
  // The arithmetic in integer fen (property-tested against decimal.js); the line keeps its decimals for the engine.
  private totalFen = 0;
  private readonly decimals = new Map<string, Money>();
  /** The last time found on a calendar date: a bill's lines repeat their times. */
  private lastTime: string | null = null;

  constructor(
    private readonly lines: readonly WireFeeLine[],
    private readonly issue: (path: (string | number)[], message: string) => void,
  ) {
    this.parsed = new Array<FeeLine>(lines.length);
  }

  /** Checks and converts lines [from, to). */
  check(from: number, to: number): void {
    const { lines, parsed, seen, issue } = this;
    for (let index = from; index < to; index++) {
      const line = lines[index]!;
      if (seen.has(line.lineId)) issue([index, 'lineId'], `lineId ${line.lineId} occurs twice`);
      seen.add(line.lineId);
      if (line.time != null && line.time !== this.lastTime) {
        if (isIsoDate(line.time.slice(0, 10))) this.lastTime = line.time;
        else issue([index, 'time'], 'expected a time YYYY-MM-DDTHH:mm:ss on a calendar date');
      }
      const quantity4 = scaledOfText(line.quantity, 4);
      if (quantity4 === 0) issue([index, 'quantity'], 'quantity must be greater than 0');
      const amountFen = scaledOfText(line.amount, 2);
      const unitPrice6 = scaledOfText(line.unitPrice, 6);
      const expectedFen = lineAmountFen(quantity4, unitPrice6);
      if (typeof expectedFen === 'bigint' ? expectedFen !== BigInt(amountFen) : expectedFen !== amountFen) {
        const expected = round2(new Decimal(line.quantity).times(line.unitPrice));
        issue([index, 'amount'], `amount must be quantity × unitPrice rounded half up to the fen: ${formatMoney(expected)}`);
      } else if (quantity4 !== 0 && lineRoundingTooLarge(quantity4, unitPrice6)) {
        issue(
          [index, 'amount'],
          `quantity × unitPrice is ${new Decimal(line.quantity).times(line.unitPrice).toString()}: rounding it to the fen would change it by more than 10 %`,
        );
      }
      this.totalFen += amountFen;
      // Every field, in one order, absent ones as null: the request hash sees equal lines as equal.
      parsed[index] = {
        lineId: line.lineId,
        code: line.code,
        hospitalCode: line.hospitalCode ?? null,
        name: line.name ?? null,
        quantity: this.decimal(line.quantity),
        unitPrice: this.decimal(line.unitPrice),
        amount: this.decimal(line.amount),
        time: line.time ?? null,
      };
    }
  }

  /** A bill repeats its quantities and prices (the same item on many lines): one decimal per text, decimals being immutable. */
  private decimal(text: string): Money {
    let value = this.decimals.get(text);
    if (value === undefined) this.decimals.set(text, (value = new Decimal(text)));
    return value;
  }

  /** The bill's bound, once every line is checked; the lines as the domain has them. */
  finish(): FeeLine[] {
    if (this.totalFen > MAX_AMOUNT_FEN) this.issue([], `the lines add up to more than ${formatMoney(MAX_AMOUNT)}`);
    return this.parsed;
  }
}

const feeLinesSchema = z
  .array(feeLineSchema)
  .min(1, 'at least one line')
  .max(MAX_FEE_LINES, `at most ${MAX_FEE_LINES} lines`)
  .transform((lines, ctx): FeeLine[] => {
    const checks = new FeeLineChecks(lines, (path, message) => ctx.addIssue({ code: 'custom', path, message, input: lines }));
    checks.check(0, lines.length);
    return checks.finish();
  });

const AMOUNT_FIELDS = ['total', 'fullSelfPay', 'overLimitSelfPay', 'preSelfPay'] as const;

/** Four amounts or lines, never both (api.md "Fee lines and the catalogue"). */
export const chargesSchema = z
  .strictObject({
    total: moneySchema.optional(),
    fullSelfPay: moneySchema.optional(),
    overLimitSelfPay: moneySchema.optional(),
    preSelfPay: moneySchema.optional(),
    lines: feeLinesSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.lines !== undefined) {
      for (const field of AMOUNT_FIELDS) {
        if (c[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'send the four amounts or the lines, never both' });
      }
      return;
    }
    if (c.total === undefined) {
      ctx.addIssue({ code: 'custom', path: ['total'], message: 'required (or send the bill as lines)' });
      return;
    }
    // zod runs object refinements even when a field failed; judge only parsed amounts.
    const [total, full, over, pre] = AMOUNT_FIELDS.map((field) => c[field] ?? ZERO);
    if (![total, full, over, pre].every((amount) => amount instanceof Decimal)) return;
    if (total!.minus(full!).minus(over!).minus(pre!).lt(0)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'fullSelfPay + overLimitSelfPay + preSelfPay must not exceed total (the policy-scope amount would be negative)',
      });
    }
  })
  .transform((c): RequestCharges => {
    if (c.lines !== undefined) return { lines: c.lines };
    // Key order fixed: the request hash of a four-amount request is what it always was.
    return {
      total: c.total!,
      fullSelfPay: c.fullSelfPay ?? ZERO,
      overLimitSelfPay: c.overLimitSelfPay ?? ZERO,
      preSelfPay: c.preSelfPay ?? ZERO,
    };
  });

export const settlementRequestSchema = z
  .object({
    requestId: idSchema,
    card: cardSchema,
    hospitalId: idSchema,
    visitType: z.enum(VISIT_TYPES),
    admissionDate: dateSchema,
    dischargeDate: dateSchema,
    charges: chargesSchema,
    specialDisease: absent(code),
    majorDisease: absent(code),
    delivery: absent(z.enum(DELIVERIES)),
    referralId: absent(idSchema),
    referredFromPrimary: z.boolean().default(false),
    emergency: z.boolean().default(false),
    consortiumTransfer: z.boolean().default(false),
    liability: z.enum(LIABILITIES).default('none'),
  })
  .refine((r) => r.admissionDate <= r.dischargeDate, { path: ['dischargeDate'], message: 'dischargeDate must not be before admissionDate' });

export function parseSettlementRequest(body: unknown): SettlementRequest {
  return settlementRequestSchema.parse(body);
}
const priceString = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/)
  .meta({ description: 'a unit-price ceiling, as a decimal string', example: '12.5000' });

export const feeLineResponseSchema = z
  .strictObject({
    lineId: z.string(),
    code: z.string(),
    level: z.string().meta({ description: 'catalogue level: A (甲), B (乙), C (丙)' }),
    category: z.string().meta({ description: 'national fee category 01-14' }),
    amount: wireMoney,
    priceCeiling: priceString.nullable(),
    selfPayRatio: z.string().nullable().meta({ description: 'the 乙 self-pay share, a decimal fraction' }),
    fullSelfPay: wireMoney,
    overLimitSelfPay: wireMoney,
    preSelfPay: wireMoney,
    policyScope: wireMoney,
  })
  .meta({ id: 'FeeLineResult', description: 'One fee line as the catalogue classified it (api.md "Fee lines and the catalogue").' });

export const chargesResponseSchema = z
  .strictObject({
    total: wireMoney,
    fullSelfPay: wireMoney,
    overLimitSelfPay: wireMoney,
    preSelfPay: wireMoney,
    lines: z.array(feeLineResponseSchema).optional(),
  })
  .meta({ id: 'ChargesResult', description: "The four amounts the rules started from, and each line's classification when the bill came as lines." });

export const feeCategoryResponseSchema = z
  .strictObject({
    category: z.string(),
    name: z.string(),
    total: wireMoney,
    levelA: wireMoney,
    levelB: wireMoney,
    levelC: wireMoney,
    policyScope: wireMoney,
  })
  .meta({ id: 'FeeCategoryTotals' });

export const settlementResponseSchema = z
  .strictObject({
    settlementId: z.string().nullable().meta({ description: 'null for a preview', example: 'S-2a5f-19k3v8qd2xw7hn4pz6tcmb' }),
    requestId: z.string(),
    status: z.enum(['preview', 'settled', 'reversed']),
    policyId: z.string(),
    policyVersion: policyVersionSchema
      .optional()
      .meta({ description: "the version of the policy used: the sha256 of its file's text; absent only on settlements recorded before versions were kept" }),
    benefitYear: z.number().int(),
    card: z.string(),
    hospitalId: z.string(),
    visitType: z.enum(VISIT_TYPES),
    admissionDate: isoDate,
    dischargeDate: isoDate,
    total: wireMoney,
    policyScope: wireMoney,
    charges: chargesResponseSchema,
    feeCategories: z.array(feeCategoryResponseSchema).optional().meta({ description: 'an itemised bill only: the national fee categories 01-14 in code order, for the slip' }),
    payments: z.partialRecord(z.enum(FUNDS), wireMoney).meta({ description: 'every fund line the policy has for this visit, zero lines included' }),
    fundTotal: wireMoney,
    patientTotal: wireMoney,
    admissionOrdinal: z.number().int().nullable(),
    referralId: nullableString,
    lines: z.array(
      z.strictObject({
        fund: z.enum(FUNDS),
        fundPayType: z.string().nullable().meta({ description: 'national fund_pay_type; null for local programmes' }),
        amount: wireMoney,
        cite: z.string().meta({ description: 'the clause of the policy document the line comes from' }),
        rate: z.string().nullable().meta({ description: 'the reimbursement rate applied, as a decimal fraction; null where none applies', example: '0.75' }),
        deductible: wireMoney.optional().meta({ description: 'the deductible (起付线) this line started above, where one applied' }),
      }),
    ),
    steps: z.array(z.strictObject({ rule: z.string(), text: z.string(), amount: wireMoney.nullable(), cite: z.string() })),
    accumulatorsBefore: accumulatorsSchema,
    accumulatorsAfter: accumulatorsSchema,
    notes: z.array(z.string()),
    notesZh: z.array(z.string()).optional().meta({ description: 'the notes in Chinese, for the clerk and the patient; absent on settlements recorded before they were kept' }),
    assumed: z
      .array(z.strictObject({ path: z.string(), value: z.string(), cite: z.string() }))
      .optional()
      .meta({ description: 'every value the settlement used that the policy file marks assumed (not in the source notice)' }),
    hospitalBorne: wireMoney.optional().meta({ description: 'what a disease package leaves to the hospital (按病种定额); patientTotal = total − fundTotal − hospitalBorne' }),
    operator: operatorView,
    settledAt: timestamp.optional(),
    reversedAt: timestamp.nullable().optional(),
    reversal: z.strictObject({ at: timestamp, reason: nullableString, operator: operatorView }).optional(),
  })
  .meta({ id: 'Settlement', description: 'The split between each fund and the patient, line by line, each line citing its clause.' });

export const settlementListSchema = z.strictObject({
  card: z.string(),
  year: z.number().int(),
  settlements: z.array(settlementResponseSchema),
  next: nullableString,
});
