/** put-enrollees-n.lua with named records, laid out as its header documents (two keys per record, then one argument per record), and its replies decoded. */
import { results } from '../store-records.js';
import type { ScriptedClient } from '../redis.js';
import { putEnrolleeOutcome, type WriteOutcome } from '../script-results.js';

export interface EnrolleeRecordWrite {
  enrolleeKey: string;
  coverageKey: string;
  /** The registry record JSON. */
  json: string;
}

/** KEYS[2i-1], KEYS[2i] = record i's keys; ARGV[i] = record i's JSON. */
function keysAndArgs(records: readonly EnrolleeRecordWrite[]): string[] {
  const all: string[] = new Array(records.length * 3);
  records.forEach((record, i) => {
    all[2 * i] = record.enrolleeKey;
    all[2 * i + 1] = record.coverageKey;
    all[2 * records.length + i] = record.json;
  });
  return all;
}

/** One call for records that share a cluster slot; one outcome per record, in order. */
export async function putEnrollees(client: ScriptedClient, records: readonly EnrolleeRecordWrite[], options: { ownPipeline: boolean }): Promise<WriteOutcome[]> {
  const numberOfKeys = records.length * 2;
  const codes = options.ownPipeline ? await inOwnPipeline(client, numberOfKeys, keysAndArgs(records)) : await client.putEnrollees(numberOfKeys, ...keysAndArgs(records));
  return codes.map(putEnrolleeOutcome);
}

/**
 * On a cluster, ioredis auto-pipelining routes a call by its first argument,
 * which for a script with a variable number of keys is that number, not a
 * key: such a call goes in a pipeline of its own (its keys share one slot).
 */
async function inOwnPipeline(client: ScriptedClient, numberOfKeys: number, args: string[]): Promise<number[]> {
  const pipeline = client.pipeline() as unknown as { putEnrollees(...args: (string | number)[]): { exec(): Promise<[Error | null, unknown][] | null> } };
  const [reply] = results<[number[]]>(await pipeline.putEnrollees(numberOfKeys, ...args).exec());
  return reply;
}
