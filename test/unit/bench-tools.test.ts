/** The benchmark's own instruments: counts and accounting, never timings. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pacedLoad } from '../../bench/lib/paced-load.js';
import { processTreeCpuMs } from '../../bench/lib/process-cpu.js';

describe('pacedLoad', () => {
  let server: http.Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push(body);
        res.statusCode = body.includes('"fail":true') ? 409 : 201;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends rate × seconds requests, each body once, and counts the non-2xx answers', async () => {
    let n = 0;
    const result = await pacedLoad({
      base,
      path: '/v1/settlements',
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ n: ++n, fail: n % 10 === 0 }),
      rate: 200,
      seconds: 0.5,
    });
    expect(result.sent).toBe(100);
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    expect(result.non2xx).toBe(10);
    expect(result.errors).toBe(0);
    expect(result.p50).toBeGreaterThan(0);
    expect(result.p99).toBeGreaterThanOrEqual(result.p50);
    expect(result.max).toBeGreaterThanOrEqual(result.p99);
  });

  it('counts a refused connection as an error, not a hang', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await pacedLoad({ base: `http://127.0.0.1:${port}`, path: '/', headers: {}, body: () => '{}', rate: 100, seconds: 0.1 });
    expect(result.errors).toBe(10);
  });
});

describe('processTreeCpuMs', () => {
  it.runIf(process.platform === 'linux')('reads this process CPU time, which only grows', () => {
    const before = processTreeCpuMs(process.pid)!;
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += i % 7;
    expect(x).toBeGreaterThan(0);
    expect(processTreeCpuMs(process.pid)!).toBeGreaterThanOrEqual(before);
    expect(before).toBeGreaterThan(0);
  });

  it('is null for a process that does not exist', () => {
    expect(processTreeCpuMs(2 ** 30)).toBeNull();
  });
});
