/**
 * Waits until no hospital-day has a ledger slot pending: the service
 * compacts its day ledgers in the background by the clock (every 11 s,
 * src/store/ledger-records.ts), so a bench that charges a service's CPU to
 * the settlements of a run waits for their compaction before it reads the
 * CPU, or the compaction falls in another run's window. One Redis server.
 * Answers how long it waited and the commands it sent itself, by name (a
 * bench counting Redis commands takes them off). A service idle for that
 * long still spends some CPU (timers: ~1 % of a core): idleCpuMsPerSecond
 * measures it, for the bench to take off too.
 */
import type { Redis } from 'ioredis';
import { processTreeCpuMs } from './process-cpu.js';

/** CPU the process spends a second doing nothing (nothing pending, no requests), over `seconds`. */
export async function idleCpuMsPerSecond(pid: number, seconds = 3): Promise<number> {
  const before = processTreeCpuMs(pid) ?? 0;
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return ((processTreeCpuMs(pid) ?? 0) - before) / ((Date.now() - started) / 1000);
}

/**
 * The day the project's floor (bench/floor-server.ts) notes its slots and
 * writes its ledger entries under: no service compacts it and the waits here
 * skip it. In the service's own days the floor's entries (not a ledger
 * entry's shape) stayed in their outboxes and were read again by every
 * compaction of the service's measured runs, and from 16:00 UTC on (the
 * floor took the UTC date, the service the Asia/Shanghai one) they were a
 * day no service compacts, which this wait never saw drained.
 */
export const FLOOR_LEDGER_DAY = 'floor';

export async function ledgerDrained(client: Redis, timeoutMs = 120_000): Promise<{ waitedMs: number; sent: Map<string, number> }> {
  const started = Date.now();
  const sent = new Map([
    ['scan', 0],
    ['zcard', 0],
  ]);
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    let pending = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', 'ledger-pending:*', 'COUNT', 1000);
      sent.set('scan', sent.get('scan')! + 1);
      cursor = next;
      const ours = keys.filter((key) => !key.endsWith(`:${FLOOR_LEDGER_DAY}}`));
      for (const key of ours) pending += await client.zcard(key);
      sent.set('zcard', sent.get('zcard')! + ours.length);
    } while (cursor !== '0');
    if (pending === 0) return { waitedMs: Date.now() - started, sent };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`ledger slots still pending after ${timeoutMs / 1000} s`);
}
