/**
 * The response dictionary cannot rot unnoticed: today's representative
 * answers (the real engine and view) must deflate with the current dictionary
 * within STALE_MARGIN of what they did when it was built. When the answers'
 * texts change enough to fail this, build the next version
 * (`npm run make:dictionary -- --version N`); records keep theirs.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressedSize, INPUTS_DEFLATE_LEVEL, responseSamples, STALE_MARGIN, splitSamples } from '../../scripts/lib/response-samples.js';
import { CURRENT_DICTIONARY, HELD_OUT_BYTES, HELD_OUT_INPUT_BYTES, INPUT_DICTIONARIES, RESPONSE_DICTIONARIES } from '../../src/store/codec/response-dictionaries.js';
import { hideKnownIds } from '../../src/store/codec/known-ids.js';
import { decodeSettlementRecord, FIRST_HIDING_VERSION, FIRST_ONE_STREAM_VERSION } from '../../src/store/codec/settlement-record.js';

describe('response dictionary', () => {
  it('today’s held-out answers and inputs deflate within the margin of the current dictionaries’ figures when they were built', () => {
    const { heldOut, heldOutInputs } = splitSamples(responseSamples());
    const fix = `npm run make:dictionary -- --version ${CURRENT_DICTIONARY + 1}`;
    const recorded = HELD_OUT_BYTES[CURRENT_DICTIONARY];
    expect(recorded, `HELD_OUT_BYTES has no figure for version ${CURRENT_DICTIONARY}`).toBeTypeOf('number');
    const now = compressedSize(heldOut, RESPONSE_DICTIONARIES[CURRENT_DICTIONARY]!) / heldOut.length;
    expect(now, `held-out answers deflate to ${now.toFixed(0)} B, ${recorded} B when built: ${fix}`).toBeLessThanOrEqual(recorded! * (1 + STALE_MARGIN));
    const recordedInputs = HELD_OUT_INPUT_BYTES[CURRENT_DICTIONARY];
    expect(recordedInputs, `HELD_OUT_INPUT_BYTES has no figure for version ${CURRENT_DICTIONARY}`).toBeTypeOf('number');
    const nowInputs = compressedSize(heldOutInputs, INPUT_DICTIONARIES[CURRENT_DICTIONARY]!, INPUTS_DEFLATE_LEVEL) / heldOutInputs.length;
    expect(nowInputs, `held-out inputs deflate to ${nowInputs.toFixed(0)} B, ${recordedInputs} B when built: ${fix}`).toBeLessThanOrEqual(recordedInputs! * (1 + STALE_MARGIN));
  }, 60_000);

  it('records written with every earlier version still read', () => {
    const ids = { settlementId: 'S-0abc-0123456789abcdef0123456789abcdef', card: 'W000037' };
    const response = Buffer.from(JSON.stringify({ settlementId: ids.settlementId, card: ids.card, status: 'settled', notes: ['平阳县'] }));
    const inputs = Buffer.from(`{"request":{"card":"${ids.card}"}}`);
    for (const [version, dictionary] of Object.entries(RESPONSE_DICTIONARIES)) {
      // Version 4 on: the settlement's own ids hidden before deflating (codec/known-ids.ts).
      const stored = (part: Buffer) => (Number(version) >= FIRST_HIDING_VERSION ? hideKnownIds(part, ids) : part);
      const body = deflateRawSync(stored(response), { dictionary, level: 9 });
      const meta = { v: Number(version), s: 'settled', h: 'PY-COUNTY', y: 2019, rq: 'HIS-1', d: {} };
      // Version 5 on, a line without `r` is one stream (answer, newline, inputs) with the answer's dictionary, then the inputs'.
      const oneStream = Number(version) >= FIRST_ONE_STREAM_VERSION ? Buffer.concat([dictionary, INPUT_DICTIONARIES[Number(version)]!]) : null;
      const plainBody = oneStream ? deflateRawSync(stored(response), { dictionary: oneStream }) : body;
      const plain = decodeSettlementRecord(Buffer.concat([Buffer.from(`${JSON.stringify(meta)}\n`), plainBody]), ids);
      expect(plain.response.equals(response), `version ${version}`).toBe(true);
      if (oneStream) {
        const both = deflateRawSync(Buffer.concat([stored(response), Buffer.from('\n'), stored(inputs)]), { dictionary: oneStream });
        const read = decodeSettlementRecord(Buffer.concat([Buffer.from(`${JSON.stringify(meta)}\n`), both]), ids);
        expect(read.response.equals(response) && read.inputs?.equals(inputs), `version ${version}, one stream`).toBe(true);
      }
      const withInputs = decodeSettlementRecord(Buffer.concat([Buffer.from(`${JSON.stringify({ ...meta, r: body.length })}\n`), body, deflateRawSync(stored(inputs))]), ids);
      expect(withInputs.response.equals(response), `version ${version} with inputs`).toBe(true);
      expect(withInputs.inputs?.equals(inputs)).toBe(true);
    }
    // Version 1 records (inputs deflated alone) stay readable; version 4 is the first with the ids hidden.
    expect(Object.keys(RESPONSE_DICTIONARIES)).toEqual(expect.arrayContaining(['1', '2', '3', '4']));
    expect(INPUT_DICTIONARIES[1]).toBeUndefined();
  });
});
