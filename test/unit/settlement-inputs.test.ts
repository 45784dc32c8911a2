/**
 * A settlement's recorded inputs: stored after the response in its record,
 * kept through a reversal's rewrite of the meta line, and read back as the
 * request the engine settled (decimals, defaults) with the person and hospital
 * of that day.
 */
import { describe, expect, it } from 'vitest';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { createHash } from 'node:crypto';
import { decodeSettlementInputs, encodeSettlementInputs, requestJsonBytes } from '../../src/service/settlement-inputs.js';
import { requestHash, requestHashOf } from '../../src/service/settlements.js';
import { decodeSettlementRecord, encodeSettlementRecord } from '../../src/store/codec/settlement-record.js';
import { registry } from '../helpers/worked-examples.js';

const { hospitals, enrollees, filings } = registry();
const hospital = hospitals.get('PY-COUNTY')!;
const enrollee = [...enrollees.values()].find((e) => e.region === 'pingyang')!;
const meta = { s: 'settled' as const, h: 'PY-COUNTY', y: 2019, rq: 'HIS-1', d: { basicPaid: '771797' } };
const response = Buffer.from(JSON.stringify({ settlementId: 'S-1', payments: { basic: '7717.97' } }));
/** The record's own ids, as its reader knows them (field name, key). */
const ids = { settlementId: 'S-1', card: enrollee.card };

const fourAmounts = parseSettlementRequest({
  requestId: 'HIS-1',
  card: enrollee.card,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges: { total: '12345.6', fullSelfPay: '100', overLimitSelfPay: '0.05', preSelfPay: '0' },
  majorDisease: null,
});
const itemised = parseSettlementRequest({
  requestId: 'HIS-2',
  card: enrollee.card,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges: { lines: [{ lineId: 'L1', code: 'X01', quantity: '2.5', unitPrice: '12.345678', amount: '30.86', time: '2019-03-02T10:00:00', name: '药品' }] },
  emergency: true,
});
/** Past 250 lines the request's JSON is made a part at a time (requestJsonBytes): names with Chinese, quotes and escapes. */
const large = parseSettlementRequest({
  requestId: 'HIS-3',
  card: enrollee.card,
  hospitalId: 'PY-COUNTY',
  visitType: 'inpatient',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  charges: {
    lines: Array.from({ length: 601 }, (_, i) => ({
      lineId: `L${i}`,
      code: 'X01',
      quantity: '2.50',
      unitPrice: '12.345678',
      amount: '30.86',
      ...(i % 3 === 0 ? { name: `药品 "${i}" \\ ✓` } : {}),
      ...(i % 2 === 0 ? { time: '2019-03-02T10:00:00' } : {}),
    })),
  },
});

describe('recorded settlement inputs', () => {
  it('read back equal to what the engine was given (decimals as decimals, defaults kept)', () => {
    for (const request of [fourAmounts, itemised]) {
      const decoded = decodeSettlementInputs(encodeSettlementInputs({ request, hospital, enrollee, filings }));
      expect(decoded.request).toEqual(request);
      expect(JSON.stringify(decoded.request)).toBe(JSON.stringify(request));
      expect(decoded.hospital).toEqual(hospital);
      expect(decoded.enrollee).toEqual(enrollee);
      expect(decoded.filings).toEqual(filings);
    }
  });

  it('ride after the response in the record, and survive the reversal script rewriting the meta line', () => {
    const inputs = encodeSettlementInputs({ request: itemised, hospital, enrollee, filings });
    const record = encodeSettlementRecord(meta, response, inputs, ids);
    const decoded = decodeSettlementRecord(record, ids);
    expect(decoded.response.equals(response)).toBe(true);
    expect(decoded.inputs!.equals(inputs)).toBe(true);
    // reverse-settlement-4.lua: cjson.decode(meta), set s and x, cjson.encode(meta) .. the rest as is.
    const split = record.indexOf(0x0a);
    const rewritten = {
      ...(JSON.parse(record.subarray(0, split).toString()) as object),
      s: 'reversed',
      x: { at: 'now', reason: null, operator: { id: null, name: null, keyId: null } },
    };
    const reversed = decodeSettlementRecord(Buffer.concat([Buffer.from(JSON.stringify(rewritten)), record.subarray(split)]), ids);
    expect(reversed.meta.s).toBe('reversed');
    expect(reversed.inputs!.equals(inputs)).toBe(true);
    expect(reversed.response.equals(response)).toBe(true);
  });

  it('are byte for byte the JSON of the inputs, and the request hash reads the same bytes as it read the JSON text', () => {
    for (const request of [fourAmounts, itemised, large]) {
      const inputs = { request, hospital, enrollee, filings };
      const json = requestJsonBytes(request);
      expect(encodeSettlementInputs(inputs, json).equals(Buffer.from(JSON.stringify(inputs)))).toBe(true);
      expect(encodeSettlementInputs(inputs).equals(Buffer.from(JSON.stringify(inputs)))).toBe(true);
      // Stored hashes (16 characters, or 22 and 43 from earlier releases) keep matching retries.
      const before = createHash('sha256').update(JSON.stringify(request), 'utf8').digest('base64url');
      expect(requestHashOf(json, true)).toBe(before);
      expect(requestHash(request)).toBe(before.slice(0, 16));
    }
  });

  it('a record written before inputs were kept reads with none', () => {
    expect(decodeSettlementRecord(encodeSettlementRecord(meta, response, undefined, ids), ids).inputs).toBeNull();
  });
});
