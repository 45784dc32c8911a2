/**
 * Per-line rounding is bounded: a line is its quantity × unit price rounded
 * half up to the fen, and that rounding may move it by at most a tenth of its
 * exact value. A 25.00 drug split into 4,999 lines of 0.005 (each billed 0.01,
 * 49.99 in all) is refused 400 naming the line's amount; nothing is recorded.
 * A split whose lines are each worth whole fen bills what the whole line does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANCHOR, PY1_LINES } from '../helpers/fee-lines.js';
import { hsa, n } from '../helpers/hsa.js';
import { admit, feedetail } from '../helpers/hsa-stay.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { workedExamples } from '../helpers/worked-examples.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await t.loadWorkedRegistry();
  await t.http
    .put('/v1/hospitals/PY-COUNTY')
    .set(t.auth(t.keys.admin))
    .send({ ...workedExamples.hospitals['PY-COUNTY'], fixmedinsCode: FIXMEDINS })
    .expect(200);
});
afterAll(async () => t?.close());

const CARD = '330326198001010001';
const FIXMEDINS = 'H33032600001';
const bill = (requestId: string, lines: { quantity: string; unitPrice: string; amount: string }[]) => ({
  requestId,
  card: CARD,
  hospitalId: 'PY-COUNTY',
  visitType: 'outpatient',
  admissionDate: '2019-05-02',
  dischargeDate: '2019-05-02',
  charges: { lines: lines.map((line, i) => ({ lineId: `L${i}`, code: ANCHOR.amoxicillin, ...line })) },
});
const preview = (body: object) => t.http.post('/v1/settlements/preview').set(t.auth(t.keys.billing['PY-COUNTY']!)).send(body);

describe('splitting a line cannot bill more than the whole', () => {
  it('25.00 as 4,999 lines of 0.005 is refused 400 naming each line amount; nothing is recorded', async () => {
    const split = Array.from({ length: 4_999 }, () => ({ quantity: '0.0002', unitPrice: '25.00', amount: '0.01' }));
    const keysBefore = await t.redis.dbsize();
    const res = await t.http.post('/v1/settlements').set(t.auth(t.keys.billing['PY-COUNTY']!)).send(bill('SPLIT-1', split));
    expect(res.status, res.text.slice(0, 400)).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('charges.lines.0.amount');
    expect(res.body.error.details[0].message).toMatch(/超过 10%/);
    expect(await t.redis.dbsize()).toBe(keysBefore);
  });

  it('the whole line, or split into lines of whole fen, bills 25.00 either way', async () => {
    const whole = await preview(bill('SPLIT-2', [{ quantity: '1', unitPrice: '25.00', amount: '25.00' }]));
    expect(whole.status, whole.text).toBe(200);
    const split = await preview(
      bill(
        'SPLIT-3',
        Array.from({ length: 5 }, () => ({ quantity: '0.2', unitPrice: '25.00', amount: '5.00' })),
      ),
    );
    expect(split.status, split.text).toBe(200);
    expect(split.body.charges.total).toBe('25.00');
    expect(split.body.charges.total).toBe(whole.body.charges.total);
  });

  it('a unit price of fractions of a fen rounds within a tenth: 3 × 0.333 lines bill 0.99, accepted', async () => {
    const res = await preview(
      bill(
        'SPLIT-4',
        Array.from({ length: 3 }, () => ({ quantity: '1', unitPrice: '0.333', amount: '0.33' })),
      ),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.charges.total).toBe('0.99');
  });

  it('2301: lines of 0.005 are refused naming det_item_fee_sumamt; nothing is stored', async () => {
    const p = hsa(t.http, t.keys.billing['PY-COUNTY']!, FIXMEDINS);
    const mdtrtId = await admit(p, CARD, '2019-05-01 08:00:00');
    const split = Array.from({ length: 3 }, (_, i) =>
      feedetail({ ...PY1_LINES[0]!, lineId: `S${i}`, quantity: '0.0002', unitPrice: '25.00', amount: '0.01' }, mdtrtId, CARD, { det_item_fee_sumamt: n('0.01') }),
    );
    const answer = await p.send('2301', { feedetail: split });
    expect(answer.ok).toBe(false);
    expect(answer.text).toContain('feedetail.0.det_item_fee_sumamt');
    expect(await t.redis.exists(`enc-lines:{${CARD}}:${mdtrtId}`)).toBe(0);
  });
});
