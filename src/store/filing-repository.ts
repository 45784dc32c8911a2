/**
 * Referral filings (转诊备案) in the person's slot: every filing by id (cold
 * read), the active ones scored by validTo (hot read), and the filings
 * version a settlement checks (scripts/put-filing-4.lua,
 * scripts/revoke-filing-3.lua). Knows nothing of policy rules.
 */
import { dayNumber } from '../domain/dates.js';
import type { Filing } from '../domain/types.js';
import { cardOfId } from './id-index.js';
import { keys, slotOfCard } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import type { FilingOutcome } from './script-results.js';
import { putFiling, revokeFiling } from './scripts/filings.js';
import type { Page } from './store-records.js';
import { parseFiling } from './record-schemas.js';

export class FilingRepository {
  constructor(
    readonly redis: ScriptedClient,
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
  ) {}

  /** Files each filing under its own (given) id; an id already filed is left as it is. */
  async createFilings(filings: readonly Filing[], maxActive: number): Promise<FilingOutcome[]> {
    return Promise.all(filings.map((filing) => this.createFiling(filing, maxActive)));
  }

  // ── Referral filings ────────────────────────────────────────────────────

  async createFiling(filing: Filing, maxActive: number): Promise<FilingOutcome> {
    return putFiling(this.redis, {
      filingsKey: keys.filings(filing.card),
      activeFilingsKey: keys.activeFilings(filing.card),
      filingsVersionKey: keys.filingsVersion(filing.card),
      idIndexKey: keys.idIndex(slotOfCard(filing.card)),
      referralId: filing.referralId,
      filing: JSON.stringify(filing),
      card: filing.card,
      validToDay: dayNumber(filing.validTo),
      maxActive,
    });
  }

  async getFiling(referralId: string): Promise<Filing | null> {
    const card = await this.cardOfId(referralId);
    if (card === null) return null;
    const json = await this.redis.hget(keys.filings(card), referralId);
    return json === null ? null : parseFiling(json);
  }

  /** The person's active filings (at most the cap), soonest validTo first. */
  async getActiveFilings(card: string): Promise<Filing[]> {
    return (await this.redis.zrange(keys.activeFilings(card), 0, -1)).map(parseFiling);
  }

  /** Every filing of the person, active and revoked, a page at a time (HSCAN order). */
  async scanFilings(card: string, cursor: string, count: number): Promise<Page<Filing>> {
    const [next, flat] = await this.redis.hscan(keys.filings(card), cursor, 'COUNT', count);
    const items: Filing[] = [];
    for (let i = 1; i < flat.length; i += 2) items.push(parseFiling(flat[i]!));
    return { items, next: next === '0' ? null : next };
  }

  /** Sets the filing's status to revoked (kept, never erased); returns the filing as stored afterwards. */
  async revokeFiling(referralId: string, revokedAt: string, revocation: Filing['revocation']): Promise<Filing | null> {
    const card = await this.cardOfId(referralId);
    if (card === null) return null;
    for (;;) {
      const json = await this.redis.hget(keys.filings(card), referralId);
      if (json === null) return null;
      const filing = parseFiling(json);
      if (filing.status === 'revoked') return filing;
      const revoked: Filing = { ...filing, status: 'revoked', revokedAt, revocation };
      const outcome = await revokeFiling(this.redis, {
        filingsKey: keys.filings(card),
        activeFilingsKey: keys.activeFilings(card),
        filingsVersionKey: keys.filingsVersion(card),
        referralId,
        revoked: JSON.stringify(revoked),
        read: json,
      });
      if (outcome === 'revoked') return revoked;
      if (outcome === 'not-found') return null;
    }
  }

  private cardOfId(id: string): Promise<string | null> {
    return cardOfId(this.redis, id);
  }
}
