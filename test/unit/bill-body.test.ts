/**
 * A large bill validated and answered in turns (src/http/bill-body.ts) gives
 * what the schema and JSON.stringify give in one go: the same request (and
 * request hash), the same 400 with the same paths for a bad line deep in the
 * bill, the same answer text.
 */
import { describe, expect, it } from 'vitest';
import { settlementRequestSchema } from '../../src/contract/settlement.js';
import { AppError } from '../../src/domain/errors.js';
import { LARGE_BILL_LINES, answerBytesInTurns, parseSettlementBody } from '../../src/http/bill-body.js';
import { parseOrThrow } from '../../src/http/validate.js';
import { answerBytes, settlementView } from '../../src/service/settlement-view.js';
import { NO_ACTOR, requestHash } from '../../src/service/settlements.js';
import { amoxicillinLine } from '../../scripts/lib/demo-catalogue.js';
import { runLines } from '../helpers/fee-lines.js';
import { buildAccumulators } from '../helpers/engine-fixtures.js';

const line = (i: number) => amoxicillinLine(i, '2019-03-05T10:00:00');
const bill = (n: number, change: (lines: Record<string, unknown>[]) => void = () => undefined, overrides: Record<string, unknown> = {}) => {
  const lines: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => line(i));
  change(lines);
  return {
    requestId: 'BIG',
    card: '330326198001010001',
    hospitalId: 'PY-COUNTY',
    visitType: 'inpatient',
    admissionDate: '2019-03-01',
    dischargeDate: '2019-03-10',
    ...overrides,
    charges: { lines },
  };
};

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? { message: error.message, details: error.details, zh: error.zh } : error;
  }
  return 'no error';
}

async function errorOfAsync(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error instanceof AppError ? { message: error.message, details: error.details, zh: error.zh } : error;
  }
  return 'no error';
}

describe('a 5,000-line bill in turns', () => {
  it('parses to the very request the schema gives (same request hash)', async () => {
    const body = bill(5000, (lines) => {
      lines[17] = { ...lines[17], hospitalCode: null, time: undefined };
      lines[4321] = { ...lines[4321], quantity: '3.0', unitPrice: '2', amount: '6.00' };
    });
    const inTurns = await parseSettlementBody(body);
    const whole = parseOrThrow(settlementRequestSchema, body);
    expect(inTurns).toEqual(whole);
    expect(JSON.stringify(inTurns)).toBe(JSON.stringify(whole));
    expect(requestHash(inTurns)).toBe(requestHash(whole));
  });

  const bad: Record<string, [(lines: Record<string, unknown>[]) => void, Record<string, unknown>?]> = {
    'an amount that is not money at line 4321': [(lines) => (lines[4321] = { ...lines[4321], amount: '1.001' })],
    'one time not on a calendar date on two lines, after and before valid ones': [
      (lines) => {
        lines[700] = { ...lines[700], time: '2019-02-30T10:00:00' };
        lines[701] = { ...lines[701], time: '2019-02-30T10:00:00' };
      },
    ],
    'an amount that is not quantity × unitPrice at line 4999': [(lines) => (lines[4999] = { ...lines[4999], amount: '2.00' })],
    'a lineId twice (lines 10 and 3210), a number for a quantity (line 2600)': [
      (lines) => {
        lines[3210] = { ...lines[3210], lineId: 'B10' };
        lines[2600] = { ...lines[2600], quantity: 2 };
      },
    ],
    'a duplicate lineId and an unknown field deep in the bill, a bad visit type': [
      (lines) => {
        lines[3210] = { ...lines[3210], lineId: 'B10' };
        lines[4000] = { ...lines[4000], colour: 'red' };
      },
      { visitType: 'spa' },
    ],
    'an unknown field alone at line 4000, discharge before admission': [(lines) => (lines[4000] = { ...lines[4000], colour: 'red' }), { dischargeDate: '2019-02-01' }],
    'discharge before admission, with a line that is not quantity × unitPrice': [(lines) => (lines[700] = { ...lines[700], amount: '9.00' }), { dischargeDate: '2019-02-01' }],
    'discharge before admission, with a line that is not money': [(lines) => (lines[700] = { ...lines[700], amount: 'x' }), { dischargeDate: '2019-02-01' }],
    'discharge before admission alone': [() => undefined, { dischargeDate: '2019-02-01' }],
    'lines and four amounts at once, one line bad': [(lines) => (lines[999] = { ...lines[999], code: '' }), { card: '330326198001010001' }],
    'every line bad (only the first 20 are named)': [(lines) => lines.forEach((l, i) => (lines[i] = { ...l, unitPrice: '-1' }))],
  };
  for (const [name, [change, overrides]] of Object.entries(bad)) {
    it(`a bad bill answers the schema's 400, paths and Chinese included: ${name}`, async () => {
      const body = bill(5000, change, overrides);
      const whole = errorOf(() => parseOrThrow(settlementRequestSchema, body));
      expect(whole).not.toBe('no error');
      expect(await errorOfAsync(() => parseSettlementBody(body))).toEqual(whole);
    });
  }

  it('four amounts beside the lines are refused as the schema refuses them', async () => {
    const body = bill(600);
    (body.charges as Record<string, unknown>).total = '600.00';
    expect(await errorOfAsync(() => parseSettlementBody(body))).toEqual(errorOf(() => parseOrThrow(settlementRequestSchema, body)));
  });

  it(`bills of at most ${LARGE_BILL_LINES} lines, and of more than 5,000, take the schema in one go`, async () => {
    const small = bill(LARGE_BILL_LINES);
    expect(await parseSettlementBody(small)).toEqual(parseOrThrow(settlementRequestSchema, small));
    const tooMany = bill(5001);
    expect(await errorOfAsync(() => parseSettlementBody(tooMany))).toEqual(errorOf(() => parseOrThrow(settlementRequestSchema, tooMany)));
  });

  it("the answer's bytes are JSON.stringify's, byte for byte", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => line(i));
    const outcome = runLines('pingyang', lines);
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    const request = parseOrThrow(settlementRequestSchema, bill(5000));
    const view = settlementView(outcome.settlement, request, buildAccumulators(), { settlementId: null, status: 'preview', actor: NO_ACTOR, policyVersion: 'v' });
    expect(view.charges.lines).toHaveLength(5000);
    expect((await answerBytesInTurns(view)).equals(Buffer.from(JSON.stringify(view)))).toBe(true);
    expect(answerBytes(view).equals(Buffer.from(JSON.stringify(view)))).toBe(true);
  });
});
