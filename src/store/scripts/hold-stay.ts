/** hold-stay-4.lua with named arguments, in the order its header documents, and its reply decoded. */
import type { ScriptedClient } from '../redis.js';
import { hashOf } from './read-person.js';

export interface HoldStayCall {
  settlingKey: string;
  encounterKey: string;
  linesKey: string;
  /** The asking message's record (any key of the slot when none is read). */
  messageKey: string;
  token: string;
  ttlMs: number;
  readMessage: boolean;
}

/** What the hold read: null when there is no such encounter (nothing was held). */
export interface HeldStayRecords {
  encounter: string;
  /** HGETALL of the lines hash. */
  lines: Record<string, string>;
  message: string | null;
}

export async function holdStay(client: ScriptedClient, c: HoldStayCall): Promise<HeldStayRecords | null> {
  const reply = (await client.holdStay(c.settlingKey, c.encounterKey, c.linesKey, c.messageKey, c.token, String(c.ttlMs), c.readMessage ? '1' : '0')) as
    | []
    | [string, string[], (string | null)?];
  if (reply.length === 0) return null;
  const [encounter, lines, message] = reply;
  return { encounter, lines: hashOf(lines), message: message ?? null };
}
