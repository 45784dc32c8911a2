/**
 * Day ledgers (outboxes, compaction and statement pages: ledger-records.ts)
 * and reconciliation runs. The entries themselves are written into the
 * outboxes by the commit and reversal scripts (settlement-repository.ts).
 */
import { keys } from './keys.js';
import { LedgerRecords } from './ledger-records.js';
import type { ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import { results, type Page } from './store-records.js';

export class LedgerRepository extends LedgerRecords {
  constructor(redis: ScriptedClient, replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT, previousFormat = false) {
    super(redis, replicas, Date.now, previousFormat);
  }

  /** Names the slot of `card` among those pending for the hospital-day (before the entry is written); answers when (ms). */
  noteLedgerSlot(hospitalId: string, date: string, card: string): Promise<number> {
    return this.noteSlot(hospitalId, date, card);
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
