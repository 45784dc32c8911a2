/** The id → card index shared by the settlement and filing repositories (keys.idIndex). */
import { keys, slotOfId } from './keys.js';
import type { ScriptedClient } from './redis.js';

export async function cardOfId(redis: ScriptedClient, id: string): Promise<string | null> {
  const slot = slotOfId(id);
  if (slot === null) return null;
  // An archived settlement's entry, kept for an id without its year, reads "<card>:<year>" (archive-store.ts).
  const value = await redis.hget(keys.idIndex(slot), id);
  return value === null ? null : value.split(':')[0]!;
}
