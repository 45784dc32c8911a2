/** Every worked example of ../shared/cases through the pure engine, in order, carrying accumulators. */
import { describe, expect, it } from 'vitest';
import { applyDeltas, emptyAccumulators } from '../../src/domain/accumulators.js';
import { formatMoney } from '../../src/domain/money.js';
import type { Accumulators } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { POLICY_DIR, registry, workedExamples } from '../helpers/worked-examples.js';

const catalog = loadPolicyDirectory(POLICY_DIR);
const { hospitals, enrollees, filings } = registry();

describe('worked examples through the engine', () => {
  const accumulators = new Map<string, Accumulators>();
  for (const { request: wire, expect: expected } of workedExamples.cases) {
    it(`${wire.requestId}: ${expected.status === 'settled' ? `fund ${expected.fundTotal}` : expected.error}`, () => {
      const request = parseSettlementRequest(wire);
      const year = Number(request.dischargeDate.slice(0, 4));
      const key = `${request.card}:${year}`;
      const acc = accumulators.get(key) ?? emptyAccumulators();
      const outcome = settle({
        catalog,
        request,
        hospital: hospitals.get(request.hospitalId)!,
        enrollee: enrollees.get(request.card)!,
        filings: filings.filter((f) => f.card === request.card),
        accumulators: acc,
        accumulatorsYear: year,
      });
      if (expected.status === 'refused') {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect(outcome.refusal.code).toBe(expected.error);
        return;
      }
      if (!outcome.ok) throw new Error(`refused: ${outcome.refusal.code} ${outcome.refusal.message}`);
      const s = outcome.settlement;
      const payments = Object.fromEntries(Object.entries(s.payments).map(([fund, amount]) => [fund, formatMoney(amount!)]));
      expect(payments).toEqual(expected.payments);
      expect(formatMoney(s.fundTotal)).toBe(expected.fundTotal);
      expect(formatMoney(s.patientTotal)).toBe(expected.patientTotal);
      accumulators.set(key, applyDeltas(acc, s.deltas));
    });
  }
});
