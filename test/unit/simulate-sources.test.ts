/**
 * An archive line read without parsing the stored response whole gives what
 * parsing it whole gives, even when the response's texts quote the keys it
 * looks for; any other shape falls back to the whole parse. An archive is read
 * in batches of whole persons, every line once, in order.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { NdjsonGzWriter, writeManifest } from '../../src/ops/archive-files.js';
import { archiveLines, archiveSource, recordedSettlementOf } from '../../src/simulate/sources.js';
import { registry } from '../helpers/worked-examples.js';

const { hospitals, enrollees } = registry();
const enrollee = [...enrollees.values()][0]!;
const request = parseSettlementRequest({
  requestId: 'R1',
  card: enrollee.card,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges: { total: '5000.00' },
});
const accumulators = {
  admissions: 1,
  specialOutpatientCounted: false,
  basicEligible: '1.00',
  basicPaid: '2.00',
  compliantSelfBurden: '0.00',
  criticalIllnessPaid: '0.00',
  outpatientPaid: '0.00',
  retiredCadreSpousePaid: '0.00',
};
const response = {
  settlementId: 'S-1',
  requestId: 'R1 "total":"9.99"',
  status: 'settled',
  total: '5000.00',
  charges: { total: '5000.00', fullSelfPay: '0.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
  payments: { basic: '3100.00', criticalIllness: '0.00' },
  fundTotal: '3100.00',
  patientTotal: '1900.00',
  steps: [{ rule: 'x', text: 'quoting "payments":{"basic":"1"} and "fundTotal":"1"', amount: null, cite: 'c' }],
  accumulatorsBefore: accumulators,
  accumulatorsAfter: { ...accumulators, admissions: 2 },
};
const line = {
  settlementId: 'S-1',
  card: enrollee.card,
  benefitYear: 2019,
  position: 0,
  recordSha1: 'ab',
  meta: { v: 1, s: 'reversed', h: 'PY-COUNTY', y: 2019, rq: 'R1', d: {} },
  response,
  inputs: { request, hospital: hospitals.get('PY-COUNTY')!, enrollee, filings: [] },
};

describe('archive lines', () => {
  it('read the same by the quick path and by a whole parse', () => {
    const expected = {
      settlementId: 'S-1',
      card: enrollee.card,
      reversed: true,
      given: { payments: response.payments, fundTotal: '3100.00', patientTotal: '1900.00', total: '5000.00', accumulatorsBefore: accumulators },
      inputs: { request, hospital: hospitals.get('PY-COUNTY'), enrollee, filings: [] },
    };
    expect(recordedSettlementOf({ card: enrollee.card, line: JSON.stringify(line) })).toEqual(expected);
    // Another key order: parsed whole.
    const { inputs, ...rest } = line;
    expect(recordedSettlementOf({ card: enrollee.card, line: JSON.stringify({ inputs, ...rest }) })).toEqual(expected);
    expect(recordedSettlementOf({ card: enrollee.card, line: JSON.stringify({ ...line, inputs: null }) }).inputs).toBeNull();
  });

  it('read strings with escapes as JSON does, in the id, the card and the amounts', () => {
    const odd = { ...line, settlementId: 'S-"1\\', card: 'C\\"2' };
    const read = recordedSettlementOf({ card: odd.card, line: JSON.stringify(odd) });
    expect(read.settlementId).toBe(odd.settlementId);
    expect(read.card).toBe(odd.card);
    expect(read.given.fundTotal).toBe('3100.00');
    // An escape written as such in the line (\u0030 for 0), as another writer might.
    const escaped = JSON.stringify(line).replace('"fundTotal":"3100.00"', '"fundTotal":"3100.\\u00300"');
    expect(recordedSettlementOf({ card: enrollee.card, line: escaped }).given.fundTotal).toBe('3100.00');
  });
});

describe('archive batches', () => {
  it('hold whole persons, every line once and in order, whatever the batch size', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simulate-sources-'));
    try {
      const archive = path.join(dir, 'benefit-year-2019');
      mkdirSync(archive);
      const writer = new NdjsonGzWriter(path.join(archive, 'settlements.ndjson.gz'));
      const written: string[] = [];
      // Persons of 1 to 7 settlements; one person far larger than a batch.
      for (let p = 0; p < 60; p++) {
        const stays = p === 30 ? 40 : 1 + (p % 7);
        for (let i = 0; i < stays; i++) {
          const card = `C${p}`;
          const settlementId = `S-${p}-${i}`;
          written.push(settlementId);
          await writer.write({ ...line, settlementId, card, response: { ...response, settlementId, steps: [{ ...response.steps[0], text: '住院'.repeat(p) }] } });
        }
      }
      const summary = await writer.close();
      writeManifest(archive, { benefitYear: 2019, files: { 'settlements.ndjson.gz': summary }, counts: { settlements: summary.lines } });
      const source = await archiveSource(dir, 2019);
      expect(source.expected).toBe(written.length);
      // As the replay lends them: a few buffers in turn (each reused once its batch is read), one of its own when too small.
      const slots = [0, 1, 2].map(() => Buffer.alloc(1 << 16));
      let turn = 0;
      const lend = (size: number) => (size <= 1 << 16 ? slots[turn++ % slots.length]! : Buffer.from(new ArrayBuffer(size)));
      for (const [target, into] of [1, 5000, 1 << 20, 1, 5000, 40_000].map((target, i) => [target, i < 3 ? undefined : lend] as const)) {
        const read: string[] = [];
        const seen = new Set<string>();
        for await (const batch of source.batches(target, into)) {
          if (batch.kind !== 'lines') throw new Error('an archive gives lines');
          const cards = new Set<string>();
          for (const settlement of archiveLines(Buffer.from(batch.bytes))) {
            read.push(settlement.settlementId);
            cards.add(settlement.card);
          }
          for (const card of cards) {
            expect(seen.has(card), `${card} in two batches (target ${target})`).toBe(false);
            seen.add(card);
          }
        }
        expect(read).toEqual(written);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
