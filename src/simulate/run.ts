/**
 * Replays a year on worker threads (one per core by default). The reading
 * thread only gunzips and cuts the bytes between persons; batches of whole
 * persons go to the workers in turn (so a run's lists come out the same each
 * time). Archive bytes go through slots of memory shared with the worker
 * (each lane owns a few, one a batch in flight), so memory stays bounded
 * whatever the year's size and no buffer is moved per batch: moving one
 * (a transfer) cost the reading thread a full garbage collection every few
 * batches.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './replay-worker.js';
import type { RawBatch, YearSource } from './sources.js';
import { emptyTally, mergeTally, type Tally } from './tally.js';

export interface RunOptions extends WorkerSetup {
  source: YearSource;
  workers?: number;
  /** Uncompressed bytes (archive) or record bytes (Redis) per batch. */
  batchBytes?: number;
  /** Called with the number of settlements replayed so far. */
  progress?: (done: number) => void;
}

const MAX_IN_FLIGHT = 4;
/** About 250 archive lines: few enough messages, and 2 workers × 4 in flight hold ~8 MB. */
const BATCH_BYTES = 1 << 20;
/** Each worker's heap is capped: a batch at a time and a few waiting need far less, whatever the year. */
const WORKER_HEAP_MB = 128;

/** A slot holds a batch of about BATCH_BYTES and what the last person overshoots it by; a larger batch is moved instead. */
const SLOT_BYTES = 4 << 20;

interface Lane {
  worker: Worker;
  inFlight: number;
  /** Its slots not in flight (indices into its `slots`). */
  free: number[];
  slots: Buffer[];
  wake: (() => void) | null;
  tally: Promise<Tally>;
  failed: Promise<never>;
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** The worker: from dist as is; from the sources (run with tsx) with tsx registered in the thread, which loader hooks do not reach. */
function startWorker(workerData: WorkerSetup & { slots: SharedArrayBuffer[] }): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./replay-worker.js', import.meta.url), { workerData, resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./replay-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(file)}); })`, { eval: true, workerData, resourceLimits });
}

/** The message for a batch and the buffers it moves (each owned whole by its view: the sources make them so). */
function messageOf(batch: RawBatch, lane: Lane): [ToWorker, ArrayBuffer[]] {
  if (batch.kind === 'lines') {
    const { buffer, byteOffset, byteLength } = batch.bytes;
    // The slot it was lent: the last free one then, not always now (a slot freed while the batch was read comes after it).
    const at = lane.free.findIndex((slot) => lane.slots[slot]!.buffer === buffer);
    if (at >= 0) return [{ type: 'slot', slot: lane.free.splice(at, 1)[0]!, byteLength }, []];
    return [{ type: 'lines', buffer: buffer as ArrayBuffer, byteOffset, byteLength }, [buffer as ArrayBuffer]];
  }
  return [{ type: 'records', items: batch.items }, batch.items.map((item) => item.record.buffer as ArrayBuffer)];
}

export async function runReplay(options: RunOptions): Promise<Tally> {
  const count = Math.max(1, options.workers ?? os.availableParallelism());
  const batchBytes = options.batchBytes ?? BATCH_BYTES;
  let done = 0;
  const setup: WorkerSetup = { baselineDir: options.baselineDir, draftDir: options.draftDir, catalogueDir: options.catalogueDir };
  const lanes: Lane[] = [];
  const readies: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const shared = Array.from({ length: MAX_IN_FLIGHT }, () => new SharedArrayBuffer(SLOT_BYTES));
    const worker = startWorker({ ...setup, slots: shared });
    let resolveTally!: (t: Tally) => void;
    let rejectAll!: (e: Error) => void;
    const tally = new Promise<Tally>((resolve) => (resolveTally = resolve));
    const failed = new Promise<never>((_, reject) => (rejectAll = reject));
    failed.catch(() => {});
    let resolveReady!: () => void;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const lane: Lane = { worker, inFlight: 0, free: shared.map((_, slot) => slot), slots: shared.map((buffer) => Buffer.from(buffer)), wake: null, tally, failed };
    worker.on('message', (message: FromWorker) => {
      switch (message.type) {
        case 'ready':
          resolveReady();
          break;
        case 'failed':
          rejectAll(new ReplayError(message.reason));
          break;
        case 'batch-done':
          lane.inFlight--;
          if (message.slot !== undefined) lane.free.push(message.slot);
          done += message.count;
          options.progress?.(done);
          lane.wake?.();
          break;
        case 'tally':
          resolveTally(message.tally);
          break;
      }
    });
    worker.on('error', (error) => rejectAll(error));
    worker.on('exit', (code) => rejectAll(new ReplayError(`a replay worker stopped (exit ${code})`)));
    lanes.push(lane);
    // The workers load their policies side by side.
    readies.push(Promise.race([ready, failed]));
  }
  const failure = Promise.race(lanes.map((lane) => lane.failed));
  failure.catch(() => {});

  const room = async (lane: Lane) => {
    while (lane.inFlight >= MAX_IN_FLIGHT) await Promise.race([new Promise<void>((resolve) => (lane.wake = resolve)), failure]);
  };
  // The lane the next batch goes to: the source writes it straight into one of its free slots (a lane with room has one).
  let lane = lanes[0]!;
  const into = (size: number): Buffer => {
    const slot = lane.free.at(-1);
    return size <= SLOT_BYTES && slot !== undefined ? lane.slots[slot]! : Buffer.from(new ArrayBuffer(size));
  };
  const batches = options.source.batches(batchBytes, into);
  try {
    await Promise.all(readies);
    for (let turn = 0; ; turn = (turn + 1) % count) {
      lane = lanes[turn]!;
      await room(lane);
      const next = await batches.next();
      if (next.done) break;
      lane.inFlight++;
      const [message, transfer] = messageOf(next.value, lane);
      lane.worker.postMessage(message, transfer);
    }
    for (const lane of lanes) lane.worker.postMessage({ type: 'end' } satisfies ToWorker);
    const tallies = await Promise.race([Promise.all(lanes.map((lane) => lane.tally)), failure]);
    const total = emptyTally();
    for (const tally of tallies) mergeTally(total, tally);
    return total;
  } finally {
    await batches.return(undefined);
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }
}
