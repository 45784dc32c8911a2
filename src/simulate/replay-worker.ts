/**
 * A replay worker thread: holds both policy sets, receives batches of one
 * shard's settlements (a person's all in one shard, in order), replays each
 * person once their last settlement has come, and sends its tally at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicies } from './engine-adapter.js';
import { replayPerson, type RecordedSettlement, type Scenarios } from './person-replay.js';
import { recordedSettlementOf, type RawSettlement } from './sources.js';
import { emptyTally } from './tally.js';

export interface WorkerSetup {
  baselineDir: string;
  draftDir: string;
  catalogueDir: string;
}

export type ToWorker = { type: 'batch'; items: RawSettlement[] } | { type: 'end' };
export type FromWorker = { type: 'ready' } | { type: 'failed'; reason: string } | { type: 'batch-done'; count: number } | { type: 'tally'; tally: ReturnType<typeof emptyTally> };

const port = parentPort!;
const setup = workerData as WorkerSetup;
const [baseline, draft] = await Promise.all([loadPolicies(setup.baselineDir, setup.catalogueDir), loadPolicies(setup.draftDir, setup.catalogueDir)]);
if (!baseline.ok || !draft.ok) {
  port.postMessage({ type: 'failed', reason: !baseline.ok ? baseline.reason : !draft.ok ? draft.reason : '' } satisfies FromWorker);
} else {
  const scenarios: Scenarios = { baseline: baseline.policies, draft: draft.policies };
  const tally = emptyTally();
  let person: RecordedSettlement[] = [];
  const flush = () => {
    if (person.length) replayPerson(person, scenarios, tally);
    person = [];
  };
  port.on('message', (message: ToWorker) => {
    if (message.type === 'end') {
      flush();
      port.postMessage({ type: 'tally', tally } satisfies FromWorker);
      return;
    }
    for (const raw of message.items) {
      if (person.length && person[0]!.card !== raw.card) flush();
      person.push(recordedSettlementOf(raw));
    }
    port.postMessage({ type: 'batch-done', count: message.items.length } satisfies FromWorker);
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
