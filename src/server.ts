/**
 * Entry point: validates configuration and refuses to start with a one-line
 * reason; serves HTTP; reloads caller keys on SIGHUP; on SIGTERM turns
 * readiness off, stops accepting, lets in-flight requests finish, quits Redis
 * and exits 0. SIGHUP also reloads the policies, then the catalogues they
 * name; a bad file keeps what was loaded from it. With WORKERS=N it runs N such processes behind one port.
 * The operations listener (METRICS_PORT) runs in the process itself, or in
 * the primary with WORKERS=N (metrics and readiness of all workers).
 */
import cluster from 'node:cluster';
import http from 'node:http';
import { CatalogueHolder } from './catalogue/catalogue.js';
import { loadCatalogues, reloadCatalogues } from './catalogue/loader.js';
import { composeService } from './compose.js';
import { createOpsApp, type OpsSources } from './http/ops-app.js';
import { answerPrimary, primaryOpsSources } from './ops/cluster-ops.js';
import { KeyRing } from './ops/api-keys.js';
import { loadConfig, type AppConfig } from './ops/config.js';
import { withServiceFlags } from './ops/node-flags.js';
import { boundsFromEnv } from './service/bounds.js';
import { createLogger } from './ops/logger.js';
import { Metrics } from './ops/metrics.js';
import { loadPolicyDirectory, reloadPolicyDirectory } from './policy/loader.js';
import { createRedis, whenReady } from './store/redis.js';
import { ReplicaAcknowledgement } from './store/replication.js';

function fail(message: string): never {
  process.stderr.write(`settlement service not started: ${message}\n`);
  process.exit(1);
}

/** The operations listener; refuses to start, like the main port, when it cannot listen. */
function listenOps(config: AppConfig, sources: OpsSources, logger: ReturnType<typeof createLogger>): http.Server | null {
  const where = config.metricsListener;
  if (!where) return null;
  const server = http.createServer(createOpsApp(sources));
  server.on('error', (error) => fail(`cannot listen for metrics on ${where.host}:${where.port}: ${error.message}`));
  server.listen(where.port, where.host, () => logger.info({ host: where.host, port: where.port }, 'metrics and readiness listening'));
  return server;
}

function startPrimary(config: AppConfig): void {
  const logger = createLogger(config.logLevel);
  listenOps(config, primaryOpsSources(), logger);
  let stopping = false;
  logger.info({ workers: config.workers, port: config.port }, 'starting workers');
  // Workers run under the service's node flags even when this primary was started without them.
  cluster.setupPrimary({ execArgv: withServiceFlags(process.execArgv) });
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      // A worker leaves cluster.workers only once both its process has exited and its IPC channel
      // has closed, in either order: at the last 'exit' others may still be listed, dead.
      if (Object.values(cluster.workers ?? {}).every((w) => !w || w.isDead())) process.exit(0);
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
    cluster.fork();
  });
  const forward = (signal: NodeJS.Signals) => () => {
    if (signal !== 'SIGHUP') stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGINT', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
}

async function startWorker(config: AppConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  let catalog;
  let keys;
  let catalogues;
  try {
    catalog = loadPolicyDirectory(config.policyDir);
    keys = KeyRing.fromFile(config.apiKeysFile);
    catalogues = new CatalogueHolder(await loadCatalogues(config.catalogueDir, catalog));
  } catch (error) {
    fail((error as Error).message);
  }
  const connect = (role: string) =>
    createRedis({
      url: config.redis.url,
      clusterNodes: config.redis.clusterNodes,
      username: config.redis.credentials?.username,
      password: config.redis.credentials?.password,
      offlineQueue: false,
      // A backstop that frees commands Redis never answers; the breaker's deadline (REDIS_TIMEOUT_MS) decides first,
      // after letting an answer already received be read (a busy process is not a slow Redis).
      commandTimeoutMs: config.redisTimeoutMs * 2,
      connectionName: `settlement-${process.pid}${role}`,
    });
  const redis = connect('');
  const replicas = new ReplicaAcknowledgement({
    minReplicas: config.redisMinReplicas,
    timeoutMs: config.redisWaitTimeoutMs,
    connect: () => {
      const dedicated = connect('-wait');
      dedicated.on('error', () => {}); // the shared connection logs Redis outages
      return dedicated;
    },
    onResolved: (required, how, topology) => logger.info({ replicas: required, how, topology }, 'replica acknowledgement'),
  });
  // Log connection changes, not every reconnect attempt.
  let redisHealthy = true;
  redis.on('ready', () => {
    if (!redisHealthy) logger.info('redis connection restored');
    redisHealthy = true;
  });
  redis.on('error', (error: Error) => {
    if (redisHealthy) logger.warn({ err: { message: error.message } }, 'redis connection lost; answering 503 until it returns');
    redisHealthy = false;
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection; exiting');
    process.exit(1);
  });
  const metrics = new Metrics();
  const bounds = boundsFromEnv(process.env);
  const service = composeService({
    redis,
    catalog,
    policyDir: config.policyDir,
    catalogues,
    keys,
    logger,
    metrics,
    redisTimeoutMs: config.redisTimeoutMs,
    breakerResetMs: config.breakerResetMs,
    replicas,
    coverage: config.coverage,
    maxActiveFilings: config.maxActiveFilings,
    nationalMessageTtlDays: config.nationalMessageTtlDays,
    previousStoreFormat: config.previousStoreFormat,
    load: config.load,
    rateLimit: config.rateLimit,
    heavy: config.heavy,
    bounds,
  });
  const opsSources: OpsSources = { readiness: service.readiness, metrics: () => metrics.registry.metrics(), metricsContentType: metrics.registry.contentType };
  if (cluster.isWorker) answerPrimary(metrics.registry, service.readiness);
  else listenOps(config, opsSources, logger);
  await whenReady(redis, 30_000).catch((error: Error) => logger.warn({ err: { message: error.message } }, 'redis not ready yet; serving 503 until it is'));
  // Detect the replicas now (retried at the first write when Redis is not there yet).
  await replicas.requiredReplicas(redis).catch(() => {});

  // Node's own deadline for a whole request backs the app's (http/body-bounds.ts); checked every second.
  const server = http.createServer({ requestTimeout: bounds.requestTimeoutMs + 1000, connectionsCheckingInterval: 1000 }, service.app);
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, config.host, () => {
    logger.info({ port: config.port, policies: catalog.policies.map((p) => p.id), keys: keys.size }, 'settlement service listening');
  });
  server.on('error', (error) => fail(`cannot listen on ${config.host}:${config.port}: ${error.message}`));

  let catalogueReload: Promise<void> = Promise.resolve();
  process.on('SIGHUP', () => {
    try {
      service.keys.current = KeyRing.fromFile(config.apiKeysFile);
      logger.info({ keys: service.keys.current.size }, 'caller keys reloaded');
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, 'caller keys not reloaded; keeping the previous ones');
    }
    // Policies first: a new policy may name a new catalogue.
    const policies = reloadPolicyDirectory(config.policyDir, catalog);
    for (const message of policies.errors) logger.error({ err: { message } }, 'policy not reloaded; keeping the previous one');
    if (policies.catalog) {
      catalog.adopt(policies.catalog);
      logger.info({ policies: catalog.entries.map((e) => ({ id: e.policy.id, version: e.version })) }, 'policies reloaded');
    }
    // One reload at a time: a second SIGHUP reads the files again after the first.
    catalogueReload = catalogueReload
      .then(() => reloadCatalogues(config.catalogueDir, catalog, service.catalogues.current))
      .then(
        ({ catalogues: next, errors }) => {
          service.catalogues.current = next;
          for (const message of errors) logger.error({ err: { message } }, 'catalogue not reloaded; keeping the previous one');
          logger.info({ catalogues: [...next.values()].map((c) => ({ id: c.id, rows: c.size })) }, 'catalogues reloaded');
        },
        (error: Error) => logger.error({ err: { message: error.message } }, 'catalogues not reloaded; keeping the previous ones'),
      );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: readiness off, finishing in-flight requests');
    service.beginShutdown();
    const force = setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    setTimeout(() => closeServer(), config.shutdownDrainMs);
  };
  const closeServer = () => {
    // Keep-alive connections close as soon as their request is answered.
    setInterval(() => server.closeIdleConnections(), 50).unref();
    server.close(async () => {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
      replicas.disconnect();
      service.breaker.shutdown();
      service.coverageBreaker?.shutdown();
      service.load?.stop();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  fail((error as Error).message);
}
if (config.workers > 1 && cluster.isPrimary) startPrimary(config);
else void startWorker(config);
