/**
 * The shipped alert rules and dashboard match the service: `promtool check
 * rules` accepts ops/prometheus/alerts.yml, and every metric a rule or a
 * dashboard query names is in a scrape of the built server's metrics listener
 * (what Prometheus scrapes), every route a query selects is a route the
 * server labels. Rules on Redis itself read oliver006/redis_exporter's
 * metrics: each is checked against the INFO field of a real redis-server it
 * is read from.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { makeKeys } from '../helpers/service.js';
import { ROOT } from '../helpers/worked-examples.js';

const ALERTS = path.join(ROOT, 'ops/prometheus/alerts.yml');
const DASHBOARD = path.join(ROOT, 'ops/grafana/dashboard.json');

/** redis_exporter's metric → the INFO field it reports (https://github.com/oliver006/redis_exporter). */
const REDIS_EXPORTER: Record<string, string> = {
  redis_up: 'redis_version',
  redis_instance_info: 'role',
  redis_aof_last_write_status: 'aof_last_write_status',
  redis_aof_last_bgrewrite_status: 'aof_last_bgrewrite_status',
  redis_rdb_last_bgsave_status: 'rdb_last_bgsave_status',
  redis_rdb_last_save_timestamp_seconds: 'rdb_last_save_time',
  redis_memory_used_bytes: 'used_memory',
  redis_memory_max_bytes: 'maxmemory',
  redis_evicted_keys_total: 'evicted_keys',
  redis_connected_slaves: 'connected_slaves',
  // From the slaveN:…,lag=N lines of INFO replication, present once a replica is attached.
  redis_connected_slave_lag_seconds: 'connected_slaves',
  // master_link_status:up|down on a replica.
  redis_master_link_up: 'master_link_status',
};
/** Prometheus's own, for every scrape job. */
const SYNTHETIC = new Set(['up']);

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'rate',
  'increase',
  'irate',
  'histogram_quantile',
  'time',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'le',
  'label_values',
]);

/** The metric names of a PromQL expression: identifiers outside label matchers, groupings, ranges and strings. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const next = bare.slice(match.index! + word.length).trimStart();
    if (PROMQL_WORDS.has(word) || next.startsWith('(') || word.startsWith('$__')) continue;
    names.add(word);
  }
  return [...names];
}

/** route="…" selectors, for the routes a query means. */
function routesSelected(expr: string): string[] {
  return [...expr.matchAll(/route="([^"]+)"/g)].map((m) => m[1]!);
}

function alertExpressions(): { name: string; expr: string }[] {
  const doc = parse(readFileSync(ALERTS, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ name: r.alert, expr: r.expr })));
}

function dashboardExpressions(): { name: string; expr: string }[] {
  const doc = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; query?: unknown }[] };
  };
  const queries = doc.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ name: p.title, expr: t.expr })));
  for (const variable of doc.templating.list) {
    const m = typeof variable.query === 'string' ? /^label_values\((\w+)/.exec(variable.query) : null;
    if (m) queries.push({ name: `$${variable.name}`, expr: m[1]! });
  }
  return queries;
}

let redis: RedisServer;
let server: ServerProcess;
let scrape = '';
const exposed = new Set<string>();

beforeAll(async () => {
  redis = await startRedis();
  const { keys, entries } = makeKeys(['PY-COUNTY'], []);
  const metricsPort = await freePort();
  server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: writeKeysFile(entries), METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' });
  const admin = { Authorization: `Bearer ${keys.admin}`, 'Content-Type': 'application/json' };
  // A settlement refused at validation and a statement request: each records its route's label.
  await fetch(`${server.base}/v1/settlements`, { method: 'POST', headers: admin, body: '{}' });
  await fetch(`${server.base}/v1/policies`, { headers: admin });
  scrape = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  for (const line of scrape.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (!type) continue;
    const [, name, kind] = type;
    exposed.add(name!);
    if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(`${name}${suffix}`);
    if (kind === 'summary') for (const suffix of ['_sum', '_count']) exposed.add(`${name}${suffix}`);
  }
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await redis?.stop();
});

describe('ops/prometheus/alerts.yml', () => {
  it('passes promtool check rules', () => {
    const result = spawnSync('promtool', ['check', 'rules', ALERTS], { encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('covers what the runbook promises to alert on', () => {
    const all = alertExpressions()
      .map((r) => r.expr)
      .join('\n');
    for (const metric of [
      'circuit_breaker_state',
      'http_requests_rejected_total',
      'http_request_duration_seconds_bucket',
      'redis_aof_last_write_status',
      'redis_memory_max_bytes',
      'redis_connected_slaves',
      'redis_master_link_up',
    ]) {
      expect(all, metric).toContain(metric);
    }
    expect(all).toMatch(/status_code=~"5\.\."/);
  });

  it('names only metrics the service exposes, or redis_exporter metrics read from real INFO fields', async () => {
    const client = new Redis(redis.url);
    const info = await client.info('all');
    client.disconnect();
    const fields = new Set(info.split('\r\n').map((line) => line.split(':')[0]!));
    fields.add('master_link_status'); // INFO replication shows it on replicas only
    const unknown: string[] = [];
    for (const rule of alertExpressions()) {
      for (const name of metricNames(rule.expr)) {
        if (exposed.has(name) || SYNTHETIC.has(name)) continue;
        const field = REDIS_EXPORTER[name];
        if (field && fields.has(field)) continue;
        unknown.push(`${rule.name}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('ops/grafana/dashboard.json', () => {
  it('every query names a metric of the scrape, and every route it selects is one the server labels', () => {
    const queries = dashboardExpressions();
    expect(queries.length).toBeGreaterThan(10);
    const unknown = queries.flatMap((q) =>
      metricNames(q.expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${q.name}: ${name}`),
    );
    expect(unknown).toEqual([]);
    const labelled = new Set([...scrape.matchAll(/route="([^"]+)"/g)].map((m) => m[1]!));
    const routes = [...queries, ...alertExpressions()].flatMap((q) => routesSelected(q.expr));
    for (const route of routes) expect(labelled, route).toContain(route);
  });

  it('is a dashboard Grafana can import: unique panel ids, a Prometheus datasource variable', () => {
    const doc = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: { id: number }[]; templating: { list: { type: string }[] } };
    const ids = doc.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.uid).toBeTruthy();
    expect(doc.templating.list.some((v) => v.type === 'datasource')).toBe(true);
  });
});

// The expression reader itself, so a query it misreads cannot pass unnoticed.
describe('metricNames', () => {
  it('reads metric names, not functions, labels, groupings or ranges', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{route="/v1/x"}[5m]))) > 0.25')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
    expect(metricNames('redis_connected_slaves == 0 and on (instance) redis_instance_info{role="master"}')).toEqual(['redis_connected_slaves', 'redis_instance_info']);
    expect(metricNames('time() - redis_rdb_last_save_timestamp_seconds > 2 * 3600')).toEqual(['redis_rdb_last_save_timestamp_seconds']);
  });
});
