/**
 * CPU per request of several servers driven in turn at one and the same
 * arrival rate (open loop, evenly spaced), below every server's capacity.
 *
 * At saturation a fast server answers many requests per event-loop turn and
 * per syscall, so its CPU per request falls with the load it can take: the
 * saturated ratio against a floor twice as fast measures that batching as
 * much as the work of a settlement. At one rate every server batches alike.
 * Each round rotates which server goes first; ratios are taken per round
 * (the servers' runs are back to back) and their median printed.
 */
import { pacedLoad } from './paced-load.js';
import { processTreeCpuMs } from './process-cpu.js';

export interface EqualRateTarget {
  name: string;
  base: string;
  pid: number;
  body: () => string;
}

export interface EqualRateResult {
  /** µs of server CPU per request sent, by target, one per round */
  cpu: Record<string, number[]>;
  /** answers not 2xx or failed, by target, over all rounds */
  refused: Record<string, number>;
  sent: Record<string, number>;
}

export async function equalRateCpu(options: {
  targets: EqualRateTarget[];
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  rounds: number;
  /** requests in flight at most per server (the bench's connections: the service refuses a key past its share, 429) */
  maxSockets: number;
}): Promise<EqualRateResult> {
  const result: EqualRateResult = { cpu: {}, refused: {}, sent: {} };
  for (const t of options.targets) {
    result.cpu[t.name] = [];
    result.refused[t.name] = 0;
    result.sent[t.name] = 0;
  }
  for (let round = 0; round < options.rounds; round++) {
    const order = options.targets.map((_, i) => options.targets[(i + round) % options.targets.length]!);
    for (const target of order) {
      const before = processTreeCpuMs(target.pid);
      const run = await pacedLoad({
        base: target.base,
        path: '/v1/settlements',
        headers: options.headers,
        body: target.body,
        rate: options.rate,
        seconds: options.seconds,
        maxSockets: options.maxSockets,
      });
      const after = processTreeCpuMs(target.pid);
      if (before !== null && after !== null) result.cpu[target.name]!.push(((after - before) * 1000) / Math.max(1, run.sent));
      result.refused[target.name]! += run.non2xx + run.errors;
      result.sent[target.name]! += run.sent;
    }
  }
  return result;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
