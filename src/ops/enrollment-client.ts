/**
 * The insurer's enrollment system (system of record for coverage):
 * GET {COVERAGE_URL}/enrollees/{card} → the contract's enrollee record, 404 =
 * not enrolled. Calls go through their own opossum breaker with a short
 * timeout, separate from the Redis breaker.
 */
import type CircuitBreaker from 'opossum';
import type { Enrollee } from '../domain/types.js';
import { enrolleeSchema, toEnrollee } from '../contract/registry.js';
import type { EnrollmentFetch } from '../service/coverage.js';
import { createBreaker } from './breaker.js';
import type { Metrics } from './metrics.js';

export interface EnrollmentClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** ms before the breaker lets a probe through again */
  resetTimeoutMs?: number;
  metrics?: Metrics | undefined;
}

export class UpstreamError extends Error {
  override name = 'UpstreamError';
}

export function createEnrollmentClient(options: EnrollmentClientOptions): { fetch: EnrollmentFetch; breaker: CircuitBreaker<[() => Promise<unknown>], unknown> } {
  const breaker = createBreaker(
    {
      name: 'coverage',
      timeoutMs: options.timeoutMs,
      resetTimeoutMs: options.resetTimeoutMs ?? 5000,
      errorThresholdPercentage: 50,
      volumeThreshold: 3,
    },
    options.metrics,
  );
  const call = async (card: string): Promise<Enrollee | null> => {
    const response = await fetch(`${options.baseUrl}/enrollees/${encodeURIComponent(card)}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new UpstreamError(`enrollment system answered ${response.status}`);
    const parsed = enrolleeSchema.safeParse(await response.json());
    if (!parsed.success) throw new UpstreamError(`enrollment system sent an invalid record: ${parsed.error.issues[0]?.path.join('.')}`);
    return toEnrollee(card, parsed.data);
  };
  return {
    breaker,
    fetch: async (card) => {
      const started = process.hrtime.bigint();
      let outcome = 'ok';
      try {
        return (await breaker.fire(() => call(card))) as Enrollee | null;
      } catch (error) {
        outcome = breaker.opened ? 'rejected' : 'error';
        throw error;
      } finally {
        options.metrics?.coverageUpstreamDuration.observe({ outcome }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    },
  };
}
