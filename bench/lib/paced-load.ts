/**
 * Open-loop load at a constant arrival rate: one request every 1/rate seconds
 * whatever the answers do, each latency measured from the moment the request
 * was due (not sent), so a stall in the server, the client or the machine
 * counts against every request it delays (no coordinated omission).
 *
 * autocannon's overallRate is not this: it gives each connection a quota per
 * second and lets it send back to back until the quota is used, so 1,000 req/s
 * arrives as a burst at the start of each second (mcollina/autocannon#174);
 * and it corrects for coordinated omission with an expected interval of
 * ceil(1/rate) ms = 1 ms, adding synthetic samples to every answer slower than
 * 1 ms. Its saturation runs (no rate) are unaffected and still used.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';

export interface PacedLoadOptions {
  /** e.g. http://127.0.0.1:8080 */
  base: string;
  path: string;
  headers: Record<string, string>;
  body: () => string;
  /** requests per second, evenly spaced */
  rate: number;
  seconds: number;
  /** keep-alive connections at most; requests beyond wait for one (and that wait counts) */
  maxSockets?: number;
}

export interface PacedLoadResult {
  rate: number;
  sent: number;
  non2xx: number;
  /** of non2xx, 503 and 429 answers: the server shedding a rate past its capacity (429 when one key's requests in flight pass its share) */
  shed: number;
  /** answers by status code, e.g. { 201: 4990, 503: 10 } */
  codes: Record<number, number>;
  errors: number;
  /** milliseconds from when each request was due to its last response byte */
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const url = new URL(options.path, options.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64 });
  // microseconds, 1 µs to 60 s, 3 significant digits
  const latency = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  let scheduled = 0;
  let finished = 0;
  let non2xx = 0;
  let shed = 0;
  let errors = 0;
  const codes: Record<number, number> = {};

  return new Promise((resolve) => {
    const start = performance.now();
    const done = () => {
      if (++finished < total) return;
      agent.destroy();
      const ms = (percentile: number) => Math.round(latency.getValueAtPercentile(percentile) / 100) / 10;
      resolve({ rate: options.rate, sent: total, non2xx, shed, codes, errors, p50: ms(50), p90: ms(90), p99: ms(99), max: Math.round(latency.maxValue / 100) / 10 });
    };
    const send = (due: number) => {
      const body = options.body();
      const request = http.request(url, { method: 'POST', agent, headers: { ...options.headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
        if (response.statusCode === undefined || response.statusCode < 200 || response.statusCode > 299) non2xx++;
        if (response.statusCode === 503 || response.statusCode === 429) shed++;
        if (response.statusCode !== undefined) codes[response.statusCode] = (codes[response.statusCode] ?? 0) + 1;
        response.resume();
        response.once('end', () => {
          latency.recordValue(Math.max(1, Math.round((performance.now() - due) * 1000)));
          done();
        });
      });
      request.once('error', () => {
        errors++;
        done();
      });
      request.end(body);
    };
    const tick = () => {
      const dueNow = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      while (scheduled < dueNow) send(start + scheduled++ * interval);
      if (scheduled < total) setTimeout(tick, Math.max(0, start + scheduled * interval - performance.now()));
    };
    tick();
  });
}
