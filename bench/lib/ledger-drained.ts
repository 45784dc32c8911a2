/**
 * Waits until no hospital-day has a ledger slot pending: the service
 * compacts its day ledgers in the background by the clock (every 11 s,
 * src/store/ledger-records.ts), so a bench that charges a service's CPU to
 * the settlements of a run waits for their compaction before it reads the
 * CPU, or the compaction falls in another run's window. One Redis server.
 * Answers the commands it sent itself, by name (a bench counting Redis
 * commands takes them off).
 */
import type { Redis } from 'ioredis';

export async function ledgerDrained(client: Redis, timeoutMs = 120_000): Promise<Map<string, number>> {
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
      for (const key of keys) pending += await client.zcard(key);
      sent.set('zcard', sent.get('zcard')! + keys.length);
    } while (cursor !== '0');
    if (pending === 0) return sent;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`ledger slots still pending after ${timeoutMs / 1000} s`);
}
