/** The platform's envelope as this service answers it: times in Asia/Shanghai, fields in the platform's order. */
import { describe, expect, it } from 'vitest';
import { failureAnswer, successAnswer } from '../../src/national/envelope.js';
import { compactTime, platformTime } from '../../src/national/values.js';
import { ValidationError } from '../../src/domain/errors.js';

describe('compactTime', () => {
  it('writes yyyyMMddHHmmssSSS in Asia/Shanghai, milliseconds padded', () => {
    expect(compactTime(new Date('2026-12-04T16:00:00.007Z'))).toBe('20261205000000007');
    expect(compactTime(new Date('2026-12-04T15:59:59.999Z'))).toBe('20261204235959999');
  });

  it('gives every instant its own second, in any order (the last second is kept, never reused for another)', () => {
    const instants = ['2026-12-04T01:02:03.450Z', '2026-12-04T01:02:03.451Z', '2026-12-04T01:02:04.000Z', '2026-12-04T01:02:03.999Z', '1969-12-31T23:59:59.500Z'];
    for (const iso of instants) {
      const expected = platformTime(iso).replace(/[- :]/g, '') + iso.slice(20, 23);
      expect(compactTime(new Date(iso))).toBe(expected);
    }
  });
});

describe('the answer envelope', () => {
  const ctx = { admdvs: '330326', received: new Date('2026-12-04T02:00:00.123Z'), answered: new Date('2026-12-04T02:00:00.456Z') };

  it('a success carries its output as serialised, the platform fields in order, the message id from the division and the receipt second', () => {
    const text = successAnswer(ctx, '{"result":[1.10]}');
    expect(text).toMatch(
      /^\{"infcode":0,"inf_refmsgid":"33032620261204100000\d{10}","refmsg_time":"20261204100000123","respond_time":"20261204100000456","err_msg":null,"warn_msg":null,"cainfo":null,"signtype":null,"output":\{"result":\[1\.10\]\}\}$/,
    );
    expect(JSON.parse(text).output).toEqual({ result: [1.1] });
  });

  it('a failure carries err_msg escaped as JSON and a null output', () => {
    const answer = JSON.parse(failureAnswer({ ...ctx, admdvs: '0' }, new ValidationError('bad "x"\n', [{ path: 'input.data.x', message: '"quoted"' }])));
    expect(answer.infcode).toBe(-1);
    expect(answer.output).toBeNull();
    expect(answer.err_msg).toMatch(/^VALIDATION_FAILED: /);
    expect(answer.inf_refmsgid).toMatch(/^000000\d{24}$/);
  });
});
