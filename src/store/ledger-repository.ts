/**
 * Day ledgers (one hash per cluster slot per hospital-day, and the set of
 * slots that hold entries) and reconciliation runs. The entries themselves
 * are written by the commit and reversal scripts (settlement-repository.ts).
 */
import { keys, slotOfCard } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import { results, type Page } from './store-records.js';

export class LedgerRepository {
  constructor(
    readonly redis: ScriptedClient,
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
  ) {}

  /** Names the slot of `card` among those holding the hospital-day's ledger entries (before the entry is written). */
  async noteLedgerSlot(hospitalId: string, date: string, card: string): Promise<void> {
    // replicas: a slot named now must be on a replica before the entry it leads to is answered for.
    await this.replicas.command<number>(this.redis, 'SADD', [keys.ledgerSlots(hospitalId, date), slotOfCard(card)], (added) => added > 0);
  }

  // ── Day ledgers ─────────────────────────────────────────────────────────

  /** Every stored entry of one hospital-day: gathered from each slot that holds some. */
  async readLedger(hospitalId: string, date: string): Promise<string[]> {
    const slots = await this.redis.smembers(keys.ledgerSlots(hospitalId, date));
    // One command per slot (a cluster pipeline must stay on one node); auto-pipelining batches them per node.
    const perSlot = await Promise.all(slots.map((slot) => this.redis.hvals(keys.ledger(Number(slot), hospitalId, date))));
    return perSlot.flat();
  }

  // ── Reconciliations ─────────────────────────────────────────────────────

  /**
   * Appends a run to the hospital-day's list, keeps the newest `maxRuns` and
   * renews the day's life; answers how many runs were ever recorded that day.
   * The list and its counter share one hash tag (one MULTI on a cluster too).
   */
  async putReconciliation(hospitalId: string, date: string, json: string, bounds: { maxRuns: number; maxDays: number; ttlSeconds: number; atMs: number }): Promise<number> {
    const list = keys.reconciliationRuns(hospitalId, date);
    const count = keys.reconciliationCount(hospitalId, date);
    const days = keys.reconciliationDays(hospitalId);
    const replies = await this.redis
      .multi()
      .rpush(list, json)
      .ltrim(list, -bounds.maxRuns, -1)
      .expire(list, bounds.ttlSeconds)
      .incr(count)
      .expire(count, bounds.ttlSeconds)
      .zadd(days, bounds.atMs, date)
      .expire(days, bounds.ttlSeconds)
      .zcard(days)
      .exec();
    const [, , , runs, , , , dayCount] = results<number[]>(replies);
    // Past maxDays: the days run least recently go, runs and counter (the same slot: one MULTI).
    if (dayCount! > bounds.maxDays) {
      const dropped = await this.redis.zrange(days, 0, dayCount! - bounds.maxDays - 1);
      const drop = this.redis.multi().zrem(days, ...dropped);
      for (const day of dropped) drop.del(keys.reconciliationRuns(hospitalId, day), keys.reconciliationCount(hospitalId, day));
      results(await drop.exec());
    }
    return runs!;
  }

  /** A page of the hospital-day's kept runs, oldest first, and how many runs were dropped. */
  async getReconciliations(hospitalId: string, date: string, start: number, limit: number): Promise<Page<string> & { dropped: number }> {
    const [runs, kept, count] = results<[string[], number, string | null]>(
      await this.redis
        .multi()
        .lrange(keys.reconciliationRuns(hospitalId, date), start, start + limit - 1)
        .llen(keys.reconciliationRuns(hospitalId, date))
        .get(keys.reconciliationCount(hospitalId, date))
        .exec(),
    );
    return { items: runs, next: start + limit < kept ? String(start + limit) : null, dropped: Math.max(0, Number(count ?? 0) - kept) };
  }
}
