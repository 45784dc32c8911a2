/**
 * The operations listener (METRICS_PORT on METRICS_HOST, 127.0.0.1 unless
 * set): /metrics and the detailed /readyz for the monitoring network, with no
 * key. The public port answers /readyz with status only and /metrics to an
 * admin key only.
 */
import express from 'express';
import type { Readiness } from '../contract/service.js';
import { answerReadiness } from './app.js';
import { errorHandler, sendError } from './errors.js';

export interface OpsSources {
  readiness: () => Promise<Readiness>;
  metrics: () => Promise<string>;
  metricsContentType: string;
}

export function createOpsApp(sources: OpsSources): express.Express {
  const app = express();
  app.set('case sensitive routing', true);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    await answerReadiness(sources.readiness, res, true);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(sources.metricsContentType).send(await sources.metrics());
  });
  app.use((_req, res) => sendError(res, 'NOT_FOUND', 'no such endpoint'));
  app.use(errorHandler(() => {}));
  return app;
}
