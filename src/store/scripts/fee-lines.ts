/** put-fee-lines-2.lua and withdraw-fee-lines-1.lua with named arguments, in the order their headers document, and their replies decoded. */
import type { ScriptedClient } from '../redis.js';
import { feeLinesOutcome, type FeeLinesOutcome } from '../script-results.js';

export interface PutFeeLinesCall {
  linesKey: string;
  encounterKey: string;
  maxLines: number;
  lines: readonly { lineId: string; json: string; refundOf: string | null }[];
}

export async function putFeeLines(client: ScriptedClient, c: PutFeeLinesCall): Promise<FeeLinesOutcome> {
  const args: string[] = [String(c.maxLines)];
  for (const line of c.lines) args.push(line.lineId, line.json, line.refundOf ?? '');
  return feeLinesOutcome(await client.putFeeLines(c.linesKey, c.encounterKey, ...args));
}

/** How many lines went ('0000': every line). */
export async function withdrawFeeLines(client: ScriptedClient, c: { linesKey: string; lineId: string }): Promise<number> {
  const [removed] = await client.withdrawFeeLines(c.linesKey, c.lineId);
  return removed;
}
