/**
 * Prometheus metrics (prom-client). Labels never carry a card number or a
 * person: only policy, visit type, outcome, fund, route and status.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SettlementEvent } from '../service/settlement-events.js';

export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    // sub-millisecond to one second
    buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly settlements = new Counter({
    name: 'settlements_total',
    help: 'Settlement requests by policy, visit type and outcome (settled, replay, refused, preview, reversed)',
    labelNames: ['policy', 'visit_type', 'outcome'] as const,
    registers: [this.registry],
  });

  /** In fen, an integer: a float sum of yuan drifts (20748.780000000002). */
  readonly settlementAmount = new Counter({
    name: 'settlement_amount_fen_total',
    help: 'Fen (0.01 yuan) paid by each fund in committed settlements (reversals not subtracted)',
    labelNames: ['policy', 'fund'] as const,
    registers: [this.registry],
  });

  readonly breakerState = new Gauge({
    name: 'circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['breaker'] as const,
    // Across WORKERS, the worst worker's state.
    aggregator: 'max',
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'http_requests_rejected_total',
    help: 'Requests turned away before any work: rate-limited (429) or overloaded (503, by in-flight bound or event-loop delay)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly redisDuration = new Histogram({
    name: 'redis_call_duration_seconds',
    help: 'Duration of data-access calls to Redis (one call may be a pipeline or a script)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly coverageCache = new Counter({
    name: 'coverage_cache_total',
    help: 'Coverage cache lookups by result (hit, miss, stale, negative)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly coverageUpstreamDuration = new Histogram({
    name: 'coverage_upstream_duration_seconds',
    help: 'Calls to the enrollment system of record by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Labelled children made once per label values: prom-client hashes the
   * labels object on every call otherwise (~0.5 µs, several a request). The
   * values are routes, operations, policies and funds: a bounded set.
   */
  private readonly children = new Map<string, unknown>();
  private child<T>(key: string, make: () => T): T {
    let child = this.children.get(key) as T | undefined;
    if (child === undefined) this.children.set(key, (child = make()));
    return child;
  }

  observeHttp(method: string, route: string, status: number, seconds: number): void {
    this.child(`h ${method} ${route} ${status}`, () => this.httpDuration.labels({ method, route, status_code: String(status) })).observe(seconds);
  }

  observeRedis(operation: string, outcome: string, seconds: number): void {
    this.child(`r ${operation} ${outcome}`, () => this.redisDuration.labels({ operation, outcome })).observe(seconds);
  }

  recordSettlement(event: SettlementEvent): void {
    const { policyId: policy, visitType: visit_type, outcome } = event;
    this.child(`s ${policy} ${visit_type} ${outcome}`, () => this.settlements.labels({ policy, visit_type, outcome })).inc();
    if (event.outcome === 'settled' && event.computation) {
      for (const [fund, amount] of Object.entries(event.computation.payments)) {
        // Amounts have at most two decimals, so fen is an exact integer.
        if (amount && !amount.isZero()) this.child(`a ${policy} ${fund}`, () => this.settlementAmount.labels({ policy, fund })).inc(amount.times(100).toNumber());
      }
    }
  }
}
