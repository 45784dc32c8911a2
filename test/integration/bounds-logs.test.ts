/** A flood of 429 answers is a line a second with its count, not a line each (the metric counts every one). */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/service.js';

const lines: string[] = [];
let t: TestService;
beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split('\n'));
      done();
    },
  });
  t = await startTestService({ rateLimit: { perSecond: 1, burst: 0 }, logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => t?.close());

it("200 requests past a key's share log at most a few lines, which count them", async () => {
  const key = t.auth(t.keys.billing['PY-TOWN']!);
  const answers = await Promise.all(Array.from({ length: 200 }, () => t.http.get('/v1/policies').set(key)));
  const limited = answers.filter((r) => r.status === 429).length;
  expect(limited).toBeGreaterThan(150);
  const logged = lines.map((line) => JSON.parse(line) as { res?: { statusCode?: number }; rateLimited?: number }).filter((entry) => entry.res?.statusCode === 429);
  expect(logged.length).toBeLessThanOrEqual(5);
  expect(logged.reduce((sum, entry) => sum + (entry.rateLimited ?? 0), 0)).toBeGreaterThan(0);
});
