/**
 * With WORKERS=N the operations listener runs in the primary: metrics are
 * the workers' registries aggregated by prom-client (AggregatorRegistry, over
 * the cluster's IPC), readiness is every worker's, asked over the same IPC.
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Readiness } from '../contract/service.js';

const ASK = 'settlement:readiness?';
const ANSWER = 'settlement:readiness!';
const ANSWER_WITHIN_MS = 2000;

interface ReadinessAnswer {
  type: typeof ANSWER;
  askId: number;
  readiness: Readiness;
}

/** In a worker: lets the primary aggregate this registry and ask this worker's readiness. */
export function answerPrimary(registry: Registry, readiness: () => Promise<Readiness>): void {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's reply to metric requests
  process.on('message', (message: { type?: string; askId?: number }) => {
    if (message?.type !== ASK || typeof message.askId !== 'number') return;
    const askId = message.askId;
    void readiness()
      .catch((error: Error): Readiness => ({ ready: false, checks: { error: error.message } }))
      .then((answer) => process.send?.({ type: ANSWER, askId, readiness: answer } satisfies ReadinessAnswer));
  });
}

/** In the primary: aggregated metrics and the workers' readiness. */
export function primaryOpsSources(): { metrics: () => Promise<string>; metricsContentType: string; readiness: () => Promise<Readiness> } {
  const aggregator = new AggregatorRegistry();
  let nextAsk = 0;
  const readiness = (): Promise<Readiness> => {
    const askId = nextAsk++;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w?.isConnected());
    const answers = new Map<number, Readiness>();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        cluster.off('message', onMessage);
        const checks: Record<string, string> = { workers: `${answers.size} of ${workers.length} answered` };
        for (const [pid, answer] of answers)
          checks[`worker ${pid}`] = `${answer.ready ? 'ready' : 'not-ready'} (${Object.entries(answer.checks)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')})`;
        const ready = workers.length > 0 && answers.size === workers.length && [...answers.values()].every((a) => a.ready);
        resolve({ ready, checks });
      };
      const onMessage = (worker: { process: { pid?: number } }, message: ReadinessAnswer) => {
        if (message?.type !== ANSWER || message.askId !== askId) return;
        answers.set(worker.process.pid ?? -1, message.readiness);
        if (answers.size === workers.length) finish();
      };
      const timer = setTimeout(finish, ANSWER_WITHIN_MS);
      cluster.on('message', onMessage);
      for (const worker of workers) worker!.send({ type: ASK, askId });
      if (workers.length === 0) finish();
    });
  };
  return { metrics: () => aggregator.clusterMetrics(), metricsContentType: aggregator.contentType, readiness };
}
