/**
 * Replays a year on worker threads (one per core by default), a person's
 * settlements all going to one worker by a hash of the card. Batches are
 * acknowledged, and at most a few are in flight per worker, so memory stays
 * bounded whatever the year's size.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './replay-worker.js';
import type { RawSettlement, YearSource } from './sources.js';
import { emptyTally, mergeTally, type Tally } from './tally.js';

export interface RunOptions extends WorkerSetup {
  source: YearSource;
  workers?: number;
  batchSize?: number;
  /** Called with the number of settlements replayed so far. */
  progress?: (done: number) => void;
}

const MAX_IN_FLIGHT = 4;
/** Each worker's heap is capped: a person at a time and a few batches in flight need far less, whatever the year. */
const WORKER_HEAP_MB = 128;

function shardOf(card: string, shards: number): number {
  let hash = 2166136261;
  for (let i = 0; i < card.length; i++) hash = Math.imul(hash ^ card.charCodeAt(i), 16777619);
  return (hash >>> 0) % shards;
}

interface Lane {
  worker: Worker;
  pending: RawSettlement[];
  inFlight: number;
  wake: (() => void) | null;
  tally: Promise<Tally>;
  failed: Promise<never>;
}

export class ReplayError extends Error {
  override name = 'ReplayError';
}

/** The worker: from dist as is; from the sources (run with tsx) with tsx registered in the thread, which loader hooks do not reach. */
function startWorker(workerData: WorkerSetup): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: WORKER_HEAP_MB };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./replay-worker.js', import.meta.url), { workerData, resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const file = new URL('./replay-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(file)}); })`, { eval: true, workerData, resourceLimits });
}

export async function runReplay(options: RunOptions): Promise<Tally> {
  const count = Math.max(1, options.workers ?? Math.min(2, os.availableParallelism()));
  const batchSize = options.batchSize ?? 500;
  let done = 0;
  const setup: WorkerSetup = { baselineDir: options.baselineDir, draftDir: options.draftDir, catalogueDir: options.catalogueDir };
  const lanes: Lane[] = [];
  for (let i = 0; i < count; i++) {
    const worker = startWorker(setup);
    let resolveTally!: (t: Tally) => void;
    let rejectAll!: (e: Error) => void;
    const tally = new Promise<Tally>((resolve) => (resolveTally = resolve));
    const failed = new Promise<never>((_, reject) => (rejectAll = reject));
    failed.catch(() => {});
    let resolveReady!: () => void;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const lane: Lane = { worker, pending: [], inFlight: 0, wake: null, tally, failed };
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
    await Promise.race([ready, failed]);
  }
  const failure = Promise.race(lanes.map((lane) => lane.failed));
  failure.catch(() => {});

  const send = async (lane: Lane) => {
    while (lane.inFlight >= MAX_IN_FLIGHT) await Promise.race([new Promise<void>((resolve) => (lane.wake = resolve)), failure]);
    lane.inFlight++;
    lane.worker.postMessage({ type: 'batch', items: lane.pending } satisfies ToWorker);
    lane.pending = [];
  };
  try {
    for await (const item of options.source.items()) {
      const lane = lanes[shardOf(item.card, count)]!;
      lane.pending.push(item);
      if (lane.pending.length >= batchSize) await send(lane);
    }
    for (const lane of lanes) if (lane.pending.length) await send(lane);
    for (const lane of lanes) lane.worker.postMessage({ type: 'end' } satisfies ToWorker);
    const tallies = await Promise.race([Promise.all(lanes.map((lane) => lane.tally)), failure]);
    const total = emptyTally();
    for (const tally of tallies) mergeTally(total, tally);
    return total;
  } finally {
    await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  }
}
