/**
 * A large bill must not hold the process (docs/bounds.md "heavy lane"),
 * attacked as a key holder would: large bodies held open to keep their
 * slots, a chunked body that grows past the threshold, many lines in a small
 * body; and a 5,000-line bill worked in turns answers as it did in one.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type ListeningApp } from '../helpers/load-support.js';
import { startTestService, type TestService } from '../helpers/service.js';

interface Held {
  socket: net.Socket;
  /** The raw answer, once the server has written one (or closed). */
  answer: Promise<string>;
}

/** Opens a request whose body is announced (or chunked) and sends only `head` of it. */
async function hold(port: number, key: string, declared: number | 'chunked', head: string): Promise<Held> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let text = '';
  const answer = new Promise<string>((resolve) => {
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
  const length = declared === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${declared}`;
  socket.write(`POST /v1/settlements/preview HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
  if (head) socket.write(declared === 'chunked' ? chunk(head) : head);
  return { socket, answer };
}

const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const statusOf = (raw: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('the heavy lane: large bodies need a slot before they are read', () => {
  let t: TestService;
  let api: ListeningApp;
  let port: number;
  beforeAll(async () => {
    t = await startTestService({ heavy: { maxInFlight: 2, maxInFlightPerKey: 1 } });
    await t.loadWorkedRegistry();
    api = await listen(t.service.app);
    port = (api.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    await api?.close();
    await t?.close();
  });

  it("a key's second large body is 429 at once, unread; another key is admitted; past the process's slots 503; small requests pass", async () => {
    const town = t.keys.billing['PY-TOWN']!;
    const first = await hold(port, town, 200_000, '{"requestId":');
    await settle();
    const second = await hold(port, town, 200_000, '');
    const refused = await second.answer;
    expect(statusOf(refused), refused).toBe(429);
    expect(refused).toMatch(/Retry-After: 1/i);
    expect(refused).toMatch(/"code":"RATE_LIMITED"/);
    expect(refused).toMatch(/Connection: close/i);

    // Another key takes the process's second slot; a third key finds none.
    const county = await hold(port, t.keys.billing['PY-COUNTY']!, 200_000, '{');
    await settle();
    const third = await hold(port, t.keys.admin, 200_000, '');
    const shed = await third.answer;
    expect(statusOf(shed), shed).toBe(503);
    expect(shed).toMatch(/Retry-After: 1/i);
    expect(shed).toMatch(/"code":"OVERLOADED"/);

    // Small bodies are not in the lane.
    await api.http.get('/v1/policies').set(t.auth(town)).expect(200);
    expect((await api.http.post('/v1/settlements/preview').set(t.auth(town)).send({ requestId: 'SMALL' })).status).toBe(400);

    // Slots are freed when their answers are done (here: the connections go).
    first.socket.destroy();
    county.socket.destroy();
    await settle();
    const again = await hold(port, town, 200_000, '');
    await settle();
    again.socket.destroy();
    const answered = await again.answer;
    expect(statusOf(answered)).not.toBe(429);
  });

  it('a chunked body is admitted until it passes 64 kB, then needs a slot: 429 while the key holds one', async () => {
    const town = t.keys.billing['PY-TOWN']!;
    const first = await hold(port, town, 200_000, '{"requestId":');
    await settle();
    const chunked = await hold(port, town, 'chunked', `{"requestId":"C","pad":"${'x'.repeat(10_000)}`);
    await settle();
    chunked.socket.write(chunk('y'.repeat(70_000)));
    const refused = await chunked.answer;
    expect(statusOf(refused), refused).toBe(429);
    expect(refused).toMatch(/"code":"RATE_LIMITED"/);
    first.socket.destroy();
    await settle();
  });
});

describe("a bill's lines are charged to its key", () => {
  let t: TestService;
  beforeAll(async () => {
    // No registry: loading it would spend the admin key's share, and the charge comes before any lookup.
    t = await startTestService({ rateLimit: { perSecond: 10, burst: 0 } });
  });
  afterAll(async () => t?.close());

  // 600 short lines: under 48 kB, so by bytes 2 points; by lines 6.
  const lines = Array.from({ length: 600 }, (_, i) => ({ lineId: `L${i}`, code: 'X', quantity: '1', unitPrice: '1', amount: '1.00' }));
  const bill = (requestId: string) => ({
    requestId,
    card: '330326198001010001',
    hospitalId: 'PY-TOWN',
    visitType: 'inpatient',
    admissionDate: '2019-03-01',
    dischargeDate: '2019-03-02',
    charges: { lines },
  });

  it('a key that may spend 10 points a second previews one 600-line bill (7 points), not two; the 429 names the lines; other keys are not charged', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const key = t.auth(t.keys.billing['PY-TOWN']!);
    expect(JSON.stringify(bill('A')).length).toBeLessThan(48 * 1024);
    const first = await t.http.post('/v1/settlements/preview').set(key).send(bill('A'));
    expect(first.status, first.text.slice(0, 200)).not.toBe(429);
    const second = await t.http.post('/v1/settlements/preview').set(key).set('Accept-Language', 'en').send(bill('B'));
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toMatch(/^\d+$/);
    expect(second.body.error.message).toMatch(/600 fee lines, one point per 100 \(6 points\)/);
    await t.http.get('/v1/policies').set(t.auth(t.keys.billing['PY-COUNTY']!)).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const third = await t.http.post('/v1/settlements/preview').set(key).send(bill('C'));
    expect(third.status).not.toBe(429);
    const fourth = await t.http.post('/v1/settlements/preview').set(key).send(bill('D'));
    expect(fourth.status).toBe(429);
    expect(fourth.body.error.message).toContain('600行费用明细');
  });
});
