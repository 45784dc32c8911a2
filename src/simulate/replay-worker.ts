/**
 * A replay worker thread: holds both policy sets, receives batches of whole
 * persons (a person's settlements together, in order), replays each person
 * and sends its tally at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicies } from './engine-adapter.js';
import { replayPerson, type RecordedSettlement, type Scenarios } from './person-replay.js';
import { archiveLines, recordedSettlementOf, type RawRecord } from './sources.js';
import { emptyTally } from './tally.js';

export interface WorkerSetup {
  baselineDir: string;
  draftDir: string;
  catalogueDir: string;
}

export type ToWorker =
  | { type: 'slot'; slot: number; byteLength: number }
  | { type: 'lines'; buffer: ArrayBuffer; byteOffset: number; byteLength: number }
  | { type: 'records'; items: RawRecord[] }
  | { type: 'end' };
/** `slot`: the shared slot the batch was in, free again. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; reason: string }
  | { type: 'batch-done'; count: number; slot?: number }
  | { type: 'tally'; tally: ReturnType<typeof emptyTally> };

const port = parentPort!;
const setup = workerData as WorkerSetup & { slots: SharedArrayBuffer[] };
const [baseline, draft] = await Promise.all([loadPolicies(setup.baselineDir, setup.catalogueDir), loadPolicies(setup.draftDir, setup.catalogueDir)]);
if (!baseline.ok || !draft.ok) {
  port.postMessage({ type: 'failed', reason: !baseline.ok ? baseline.reason : !draft.ok ? draft.reason : '' } satisfies FromWorker);
} else {
  const scenarios: Scenarios = { baseline: baseline.policies, draft: draft.policies };
  const tally = emptyTally();
  const replay = (settlements: Iterable<RecordedSettlement>): number => {
    let count = 0;
    let person: RecordedSettlement[] = [];
    for (const settlement of settlements) {
      count++;
      if (person.length && person[0]!.card !== settlement.card) {
        replayPerson(person, scenarios, tally);
        person = [];
      }
      person.push(settlement);
    }
    // A batch ends with a person's last settlement.
    if (person.length) replayPerson(person, scenarios, tally);
    return count;
  };
  port.on('message', (message: ToWorker) => {
    if (message.type === 'end') {
      port.postMessage({ type: 'tally', tally } satisfies FromWorker);
      return;
    }
    if (message.type === 'slot') {
      // Nothing read from the slot outlives the batch: the reading thread fills it again once told.
      const count = replay(archiveLines(Buffer.from(setup.slots[message.slot]!, 0, message.byteLength)));
      port.postMessage({ type: 'batch-done', count, slot: message.slot } satisfies FromWorker);
      return;
    }
    const count =
      message.type === 'lines'
        ? replay(archiveLines(Buffer.from(message.buffer, message.byteOffset, message.byteLength)))
        : replay(message.items.map((item) => recordedSettlementOf(item)));
    port.postMessage({ type: 'batch-done', count } satisfies FromWorker);
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
