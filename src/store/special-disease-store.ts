/**
 * Special-disease filings (门诊慢特病备案) in the person's slot: a hash of
 * filing id → JSON, bounded in count per person and kept after revocation
 * (scripts/special-disease-filing-2.lua). Knows nothing of policy rules.
 */
import { keys } from './keys.js';
import type { ScriptedClient } from './redis.js';

export class SpecialDiseaseStore {
  constructor(readonly redis: ScriptedClient) {}

  /** Files once per id, within a count per person: 'stored', 'exists' or 'limit-reached'. */
  async put(card: string, filingId: string, json: string, maxFilings: number): Promise<'stored' | 'exists' | 'limit-reached'> {
    const reply = await this.redis.specialDiseaseFiling(keys.specialDiseaseFilings(card), keys.filingsVersion(card), 'put', filingId, json, String(maxFilings));
    return reply === 1 ? 'stored' : reply === 2 ? 'exists' : 'limit-reached';
  }

  /** Replaces a filing as read with its revoked form: 'revoked', 'not-found' or 'changed'. */
  async revoke(card: string, filingId: string, read: string, revoked: string): Promise<'revoked' | 'not-found' | 'changed'> {
    const reply = await this.redis.specialDiseaseFiling(keys.specialDiseaseFilings(card), keys.filingsVersion(card), 'revoke', filingId, revoked, read);
    return reply === 1 ? 'revoked' : reply === 0 ? 'not-found' : 'changed';
  }

  /** Every special-disease filing of the person (bounded by the count), as stored. */
  async all(card: string): Promise<Record<string, string>> {
    return this.redis.hgetall(keys.specialDiseaseFilings(card));
  }

  async enrolled(card: string): Promise<boolean> {
    return (await this.redis.exists(keys.enrollee(card))) === 1;
  }
}
