/**
 * The compact settlement record: a replay must be byte for byte the first
 * answer, whatever the dictionary version, and the generated dictionary must
 * be the one its file says (never edited by hand).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURRENT_DICTIONARY, INPUT_DICTIONARIES, RESPONSE_DICTIONARIES } from '../../src/store/codec/response-dictionaries.js';
import { decodeSettlementRecord, encodeSettlementRecord } from '../../src/store/codec/settlement-record.js';
import { ROOT } from '../helpers/worked-examples.js';

const response = Buffer.from(
  JSON.stringify({ settlementId: 'S-0abc-0123456789abcdef0123456789abcdef', requestId: 'HIS-1', status: 'settled', policyId: 'pingyang-2019', notes: ['平阳县'] }),
);
const meta = { s: 'settled' as const, h: 'PY-COUNTY', y: 2019, rq: 'HIS-1', d: { basicPaid: '771797' } };

describe('settlement record codec', () => {
  it('round-trips the response byte for byte, with the meta line in front', () => {
    const record = encodeSettlementRecord(meta, response);
    const decoded = decodeSettlementRecord(record);
    expect(decoded.response.equals(response)).toBe(true);
    expect(decoded.meta).toEqual({ v: CURRENT_DICTIONARY, ...meta });
    expect(record.subarray(0, record.indexOf(0x0a)).toString()).toBe(JSON.stringify({ v: CURRENT_DICTIONARY, ...meta }));
  });

  it("round-trips a large bill's answer and inputs (deflated faster, inflated as any other)", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => ({ lineId: `F${i}`, code: `X${i}`, name: '阿莫西林胶囊', amount: `${i}.25`, policyScope: `${i}.00` }));
    const large = Buffer.from(JSON.stringify({ settlementId: 'S-1', charges: { lines } }));
    const inputs = Buffer.from(JSON.stringify({ request: { charges: { lines } } }));
    expect(large.length).toBeGreaterThan(64 * 1024);
    const decoded = decodeSettlementRecord(encodeSettlementRecord(meta, large, inputs));
    expect(decoded.response.equals(large)).toBe(true);
    expect(decoded.inputs!.equals(inputs)).toBe(true);
  });

  it('refuses a record of an unknown version instead of inflating garbage', () => {
    const record = encodeSettlementRecord(meta, response);
    const tampered = Buffer.concat([Buffer.from(JSON.stringify({ ...meta, v: 999 })), record.subarray(record.indexOf(0x0a))]);
    expect(() => decodeSettlementRecord(tampered)).toThrow(/unknown version 999/);
  });

  it('every dictionary is the one its generated file names (sha256): never edited by hand', () => {
    const text = readFileSync(path.join(ROOT, 'src/store/codec/response-dictionaries.ts'), 'utf8');
    for (const [version, bytes] of [...Object.entries(RESPONSE_DICTIONARIES), ...Object.entries(INPUT_DICTIONARIES)]) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(text, `version ${version}`).toContain(`${bytes.length} bytes, sha256 ${sha}`);
      expect(bytes.length).toBeLessThanOrEqual(32 * 1024);
    }
  });
});
