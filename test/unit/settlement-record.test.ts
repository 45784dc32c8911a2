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
import { inflateRawSync } from 'node:zlib';
import {
  FIRST_ONE_STREAM_VERSION,
  decodeSettlementRecord,
  encodeSettlementRecord,
  FIRST_HIDING_VERSION,
  FIRST_TERSE_VERSION,
  PREVIOUS_FORMAT_VERSION,
  parseMetaLine,
} from '../../src/store/codec/settlement-record.js';
import { ROOT } from '../helpers/worked-examples.js';

/** The record's own ids, as its reader knows them (field name, key). */
const ids = { settlementId: 'S-0abc-0123456789abcdef0123456789abcdef', card: '330326198502020002' };
const response = Buffer.from(
  JSON.stringify({ settlementId: ids.settlementId, requestId: `HIS-${ids.card}-1`, status: 'settled', policyId: 'pingyang-2019', card: ids.card, notes: ['平阳县'] }),
);
const inputs = Buffer.from(JSON.stringify({ request: { requestId: `HIS-${ids.card}-1`, card: ids.card }, enrollee: { card: ids.card } }));
const meta = { s: 'settled' as const, h: 'PY-COUNTY', y: 2019, rq: 'HIS-1', d: { basicPaid: '771797' } };
const lineOf = (record: Buffer) => record.subarray(0, record.indexOf(0x0a)).toString();

describe('settlement record codec', () => {
  it('round-trips the response byte for byte, with the meta line in front', () => {
    const record = encodeSettlementRecord(meta, response, undefined, ids);
    const decoded = decodeSettlementRecord(record, ids);
    expect(decoded.response.equals(response)).toBe(true);
    expect(decoded.meta).toEqual({ v: CURRENT_DICTIONARY, ...meta });
    // Not a settled line of deltas alone: JSON, the deltas terse.
    expect(lineOf(record)).toBe(JSON.stringify({ v: CURRENT_DICTIONARY, ...meta, d: 'basicPaid771797' }));
    const older = encodeSettlementRecord(meta, response, undefined, ids, FIRST_HIDING_VERSION);
    expect(lineOf(older)).toBe(JSON.stringify({ v: FIRST_HIDING_VERSION, ...meta }));
    expect(decodeSettlementRecord(older, ids).meta).toEqual({ v: FIRST_HIDING_VERSION, ...meta });
  });

  it('writes a settled line terse from version 5 on, without the members, and reads it back', () => {
    expect(CURRENT_DICTIONARY).toBeGreaterThanOrEqual(FIRST_TERSE_VERSION);
    const settled = { d: { a: '1', be: '4601567', bp: '1787145', 'l:top-up2': '-5', so: '0' }, st: '|PY-CITY||2019-08-04|2', oc: '18100|18112||PY-CITY' };
    const record = encodeSettlementRecord(settled, response, inputs, ids);
    const line = lineOf(record);
    // No `r`: the answer and its inputs are one stream.
    expect(line).toBe(`${CURRENT_DICTIONARY} a1 be4601567 bp1787145 l:top-up2=-5 so0`);
    const decoded = decodeSettlementRecord(record, ids);
    expect(decoded.meta).toEqual({ v: CURRENT_DICTIONARY, d: settled.d });
    expect(decoded.response.equals(response)).toBe(true);
    expect(decoded.inputs!.equals(inputs)).toBe(true);
    // No inputs, no deltas.
    const bare = encodeSettlementRecord({ d: {} }, response, undefined, ids);
    expect(lineOf(bare)).toBe(`${CURRENT_DICTIONARY}`);
    expect(decodeSettlementRecord(bare, ids).meta).toEqual({ v: CURRENT_DICTIONARY, d: {} });
    // Before version 5 the members stay in the line.
    expect(parseMetaLine(lineOf(encodeSettlementRecord(settled, response, inputs, ids, FIRST_HIDING_VERSION)))).toMatchObject({ st: settled.st, oc: settled.oc });
  });

  it('reads a reversed terse line (JSON, d kept terse) and refuses a corrupt one', () => {
    const reversed = '{"v":5,"r":241,"d":"a1 bp-30 l:x9=7","s":"reversed","x":{"at":"2019-09-01T00:00:00.000Z","reason":null,"operator":{"id":null,"name":null,"keyId":null}}}';
    expect(parseMetaLine(reversed)).toMatchObject({ v: 5, r: 241, s: 'reversed', d: { a: '1', bp: '-30', 'l:x9': '7' } });
    // Lines written before held '-' for no `r`; `r` is all digits, a delta never.
    expect(parseMetaLine('5 - a1 bp-30')).toEqual({ v: 5, d: { a: '1', bp: '-30' } });
    expect(parseMetaLine('5 -')).toEqual({ v: 5, d: {} });
    expect(parseMetaLine('5 241 a1')).toEqual({ v: 5, r: 241, d: { a: '1' } });
    expect(parseMetaLine('5 241')).toEqual({ v: 5, r: 241, d: {} });
    for (const bad of ['5x', '5 x a1', '4 - a1', '4 a1', '5 a', '5 - a', '5 - 1a', '5 1a', '5 - bp1.5', '5 - =1', '5 =1'])
      expect(() => parseMetaLine(bad), bad).toThrow(/settlement record meta is corrupt/);
  });

  it('falls back to JSON (version 5, no members) for a delta the terse line cannot hold', () => {
    const line = lineOf(encodeSettlementRecord({ d: { bp: '1.5', a: '1' }, st: '|x' }, response, undefined, ids));
    expect(line).toBe(JSON.stringify({ v: CURRENT_DICTIONARY, d: { bp: '1.5', a: '1' } }));
  });

  it("round-trips a large bill's answer and inputs (deflated faster, inflated as any other)", () => {
    const lines = Array.from({ length: 2000 }, (_, i) => ({ lineId: `F${i}`, code: `X${i}`, name: '阿莫西林胶囊', amount: `${i}.25`, policyScope: `${i}.00` }));
    const large = Buffer.from(JSON.stringify({ settlementId: 'S-1', charges: { lines } }));
    const inputs = Buffer.from(JSON.stringify({ request: { card: ids.card, charges: { lines } } }));
    expect(large.length).toBeGreaterThan(64 * 1024);
    const decoded = decodeSettlementRecord(encodeSettlementRecord(meta, large, inputs, ids), ids);
    expect(decoded.response.equals(large)).toBe(true);
    expect(decoded.inputs!.equals(inputs)).toBe(true);
  });

  it('keeps two streams and `r` for a large bill or an answer holding a raw newline, and reads an answer without inputs', () => {
    expect(CURRENT_DICTIONARY).toBeGreaterThanOrEqual(FIRST_ONE_STREAM_VERSION);
    const large = Buffer.from(JSON.stringify({ settlementId: ids.settlementId, pad: 'x'.repeat(70_000) }));
    const lined = Buffer.from(`{"settlementId":"${ids.settlementId}",\n"notes":[]}`);
    for (const answer of [large, lined]) {
      const record = encodeSettlementRecord(meta, answer, inputs, ids);
      expect(parseMetaLine(lineOf(record)).r).toBeTypeOf('number');
      const decoded = decodeSettlementRecord(record, ids);
      expect(decoded.response.equals(answer)).toBe(true);
      expect(decoded.inputs!.equals(inputs)).toBe(true);
    }
    const alone = decodeSettlementRecord(encodeSettlementRecord(meta, lined, undefined, ids), ids);
    expect(alone.response.equals(lined)).toBe(true);
    expect(alone.inputs).toBeNull();
  });

  it('refuses a record of an unknown version instead of inflating garbage', () => {
    const record = encodeSettlementRecord(meta, response, undefined, ids);
    const tampered = Buffer.concat([Buffer.from(JSON.stringify({ ...meta, v: 999 })), record.subarray(record.indexOf(0x0a))]);
    expect(() => decodeSettlementRecord(tampered, ids)).toThrow(/unknown version 999/);
  });

  it("deflates the current version's parts without the settlement's own ids, and reads them back with the ids it is given", () => {
    expect(CURRENT_DICTIONARY).toBeGreaterThanOrEqual(FIRST_HIDING_VERSION);
    const record = encodeSettlementRecord(meta, response, inputs, ids);
    const split = record.indexOf(0x0a);
    expect(parseMetaLine(record.subarray(0, split).toString())).not.toHaveProperty('r');
    // One stream: the answer, a newline, the inputs, with the answer's dictionary and then the inputs'.
    const dictionary = Buffer.concat([RESPONSE_DICTIONARIES[CURRENT_DICTIONARY]!, INPUT_DICTIONARIES[CURRENT_DICTIONARY]!]);
    const [answer, tail] = inflateRawSync(record.subarray(split + 1), { dictionary })
      .toString()
      .split('\n') as [string, string];
    for (const part of [answer, tail]) {
      expect(part).not.toContain(ids.card);
      expect(part).not.toContain(ids.settlementId);
    }
    expect(answer).toContain('"settlementId":"\u0001"');
    expect(answer).toContain('"requestId":"HIS-\u0002-1"');
    const decoded = decodeSettlementRecord(record, ids);
    expect(decoded.response.equals(response)).toBe(true);
    expect(decoded.inputs!.equals(inputs)).toBe(true);
    // The same record with the card of another key reads as that card: the ids come from where it is stored.
    expect(decodeSettlementRecord(record, { ...ids, card: 'W1' }).response.toString()).toContain('"card":"W1"');
  });

  it('writes the previous version (ids in the clear) when asked, as the previous release reads it', () => {
    const record = encodeSettlementRecord(meta, response, inputs, ids, PREVIOUS_FORMAT_VERSION);
    expect(JSON.parse(record.subarray(0, record.indexOf(0x0a)).toString()).v).toBe(PREVIOUS_FORMAT_VERSION);
    // Read without the ids, as the previous release does: nothing of them is needed.
    const decoded = decodeSettlementRecord(record, { settlementId: '', card: '' });
    expect(decoded.response.equals(response)).toBe(true);
    expect(decoded.inputs!.equals(inputs)).toBe(true);
  });

  it('writes a part holding a sentinel byte (never JSON.stringify output) as the previous version, exact', () => {
    const odd = Buffer.from(`{"settlementId":"${ids.settlementId}","raw":"\u0001\u0002"}`);
    expect(odd.includes(1)).toBe(true);
    for (const [answer, tail] of [
      [odd, inputs],
      [response, odd],
    ] as const) {
      const record = encodeSettlementRecord(meta, answer, tail, ids);
      expect(JSON.parse(record.subarray(0, record.indexOf(0x0a)).toString()).v).toBe(PREVIOUS_FORMAT_VERSION);
      const decoded = decodeSettlementRecord(record, ids);
      expect(decoded.response.equals(answer)).toBe(true);
      expect(decoded.inputs!.equals(tail)).toBe(true);
    }
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
