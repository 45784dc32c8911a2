/** compact-ledger-3.lua, forget-ledger-slots-1.lua and archive-day-entry-3.lua with named arguments, in the order their headers document, and their replies decoded. */
import type { DayMemberDraft } from '../../domain/ledger.js';
import type { ScriptedClient } from '../redis.js';
import type { ReplicaAcknowledgement } from '../replication.js';
import { archiveRemovalOutcome, type ArchiveRemovalOutcome } from '../script-results.js';

/** One entry moved into its hospital-day: its score (ms), its member's draft (domain/ledger.ts) and its figures as field, integer delta pairs. */
export interface CompactedEntry {
  score: number;
  draft: DayMemberDraft;
  figureDeltas: readonly string[];
}

/**
 * Answers how many entries were added now (a repeated move adds none); acknowledged by replicas when it added some.
 * `previous`: first-format members, no names begun (STORE_WRITE_FORMAT=previous).
 */
export function compactLedger(
  client: ScriptedClient,
  replicas: ReplicaAcknowledgement,
  c: { dayKey: string; figuresKey: string; namesKey: string; namesBound: number; previous: boolean; entries: readonly CompactedEntry[] },
): Promise<number> {
  const args: string[] = [String(c.namesBound), c.previous ? '1' : '0'];
  for (const { score, draft, figureDeltas } of c.entries) {
    args.push(String(score), draft.firstFormat, draft.identity, draft.template, String(draft.names.length), ...draft.names, String(figureDeltas.length / 2), ...figureDeltas);
  }
  return replicas.script<number>(client, 'compactLedger', [c.dayKey, c.figuresKey, c.namesKey, ...args], (added) => added > 0);
}

/** How many of the slots were forgotten (the others: noted since `cutoffMs`, or not pending). */
export async function forgetLedgerSlots(client: ScriptedClient, c: { pendingKey: string; slots: readonly string[]; cutoffMs: number }): Promise<number> {
  if (c.slots.length === 0) return 0;
  return client.forgetLedgerSlots(c.pendingKey, String(c.cutoffMs), ...c.slots);
}

export async function archiveDayEntry(
  client: ScriptedClient,
  c: { dayKey: string; figuresKey: string; namesKey: string; member: string; figureDeltas: readonly string[] },
): Promise<ArchiveRemovalOutcome> {
  return archiveRemovalOutcome(await client.archiveDayEntry(c.dayKey, c.figuresKey, c.namesKey, c.member, ...c.figureDeltas));
}
