/**
 * Special-disease filings (门诊慢特病备案) in the person's slot: a hash of
 * filing id → JSON, bounded in count per person and kept after revocation
 * (scripts/special-disease-filing-2.lua). Knows nothing of policy rules.
 */
import { keys } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { putSpecialDiseaseFiling, revokeSpecialDiseaseFiling } from './scripts/special-disease-filing.js';

export class SpecialDiseaseStore {
  constructor(readonly redis: ScriptedClient) {}

  /** Files once per id, within a count per person: 'stored', 'exists' or 'limit-reached'. */
  async put(card: string, filingId: string, json: string, maxFilings: number): Promise<'stored' | 'exists' | 'limit-reached'> {
    return putSpecialDiseaseFiling(this.redis, { filingsKey: keys.specialDiseaseFilings(card), filingsVersionKey: keys.filingsVersion(card), filingId, filing: json, maxFilings });
  }

  /** Replaces a filing as read with its revoked form: 'revoked', 'not-found' or 'changed'. */
  async revoke(card: string, filingId: string, read: string, revoked: string): Promise<'revoked' | 'not-found' | 'changed'> {
    return revokeSpecialDiseaseFiling(this.redis, { filingsKey: keys.specialDiseaseFilings(card), filingsVersionKey: keys.filingsVersion(card), filingId, revoked, read });
  }

  /** Every special-disease filing of the person (bounded by the count), as stored. */
  async all(card: string): Promise<Record<string, string>> {
    return this.redis.hgetall(keys.specialDiseaseFilings(card));
  }

  async enrolled(card: string): Promise<boolean> {
    return (await this.redis.exists(keys.enrollee(card))) === 1;
  }
}
