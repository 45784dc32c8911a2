/** special-disease-filing-2.lua with named arguments, in the order its header documents, and its replies decoded. */
import type { ScriptedClient } from '../redis.js';

export interface SpecialDiseaseFilingKeys {
  filingsKey: string;
  filingsVersionKey: string;
}

export async function putSpecialDiseaseFiling(
  client: ScriptedClient,
  c: SpecialDiseaseFilingKeys & { filingId: string; filing: string; maxFilings: number },
): Promise<'stored' | 'exists' | 'limit-reached'> {
  const reply = await client.specialDiseaseFiling(c.filingsKey, c.filingsVersionKey, 'put', c.filingId, c.filing, String(c.maxFilings));
  return reply === 1 ? 'stored' : reply === 2 ? 'exists' : 'limit-reached';
}

export async function revokeSpecialDiseaseFiling(
  client: ScriptedClient,
  c: SpecialDiseaseFilingKeys & { filingId: string; revoked: string; read: string },
): Promise<'revoked' | 'not-found' | 'changed'> {
  const reply = await client.specialDiseaseFiling(c.filingsKey, c.filingsVersionKey, 'revoke', c.filingId, c.revoked, c.read);
  return reply === 1 ? 'revoked' : reply === 0 ? 'not-found' : 'changed';
}
