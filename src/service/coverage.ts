/**
 * Who is covered. Without an upstream, the records written with
 * PUT /v1/enrollees/{card} are the source. With COVERAGE_URL, the insurer's
 * enrollment system is the record of who is covered and Redis keeps a copy:
 *
 *   system of record ──(miss or expired: one call per card, breaker)──► cache
 *   cache ──► settlement
 *
 * A copy younger than the TTL is used as is. When the upstream fails or its
 * breaker is open, a copy younger than maxStale is used and the settlement
 * says so in its notes; otherwise the answer is 503. Never a guess. A 404 is
 * cached briefly so a flood of unknown cards does not reach the upstream.
 */
import { NotFoundError, UnavailableError } from '../domain/errors.js';
import { sayBoth, type MessageEntry } from '../messages/index.js';
import type { Enrollee } from '../domain/types.js';
import type { Metrics } from '../ops/metrics.js';
import { checkStored, coverageEntrySchema } from '../store/record-schemas.js';
import type { Repositories } from '../store/repositories.js';

export interface CoverageResolution {
  enrollee: Enrollee;
  /** Each note in Chinese (the answer's notesZh, the slip) and English (its notes). */
  notes: MessageEntry[];
}

/** What the person snapshot already read, so a settlement needs no extra round trip. */
export interface CoverageInputs {
  enrollee: Enrollee | null;
  coverageEntry: string | null;
}

export interface CoverageSource {
  readonly upstream: boolean;
  resolve(card: string, inputs: CoverageInputs): Promise<CoverageResolution>;
  lookup(card: string): Promise<CoverageResolution>;
  /** Drops the cached copy; the next request asks the system of record. */
  refresh(card: string): Promise<void>;
}

function notFound(card: string): NotFoundError {
  return new NotFoundError(`no enrollee with card ${card}`, 'ENROLLEE_NOT_FOUND');
}

/** The registry in Redis is the source (no COVERAGE_URL). */
export class LocalCoverage implements CoverageSource {
  readonly upstream = false;

  constructor(private readonly repos: Pick<Repositories, 'registry'>) {}

  async resolve(card: string, inputs: CoverageInputs): Promise<CoverageResolution> {
    if (!inputs.enrollee) throw notFound(card);
    return { enrollee: inputs.enrollee, notes: [] };
  }

  async lookup(card: string): Promise<CoverageResolution> {
    return this.resolve(card, { enrollee: await this.repos.registry.getEnrollee(card), coverageEntry: null });
  }

  async refresh(): Promise<void> {}
}

/** Fetches one person's record from the system of record; null means "not enrolled" (404). */
export type EnrollmentFetch = (card: string) => Promise<Enrollee | null>;

interface CacheEntry {
  /** ms since the epoch when the upstream answered */
  fetchedAt: number;
  enrollee: Enrollee | null;
}

/** How long a finished upstream answer is shared with requests that missed the cache just before it was written. */
const COALESCE_MS = 1000;

export interface CachedCoverageOptions {
  ttlSeconds: number;
  maxStaleSeconds: number;
  negativeTtlSeconds: number;
  now?: () => number;
  metrics?: Metrics | undefined;
}

export class CachedUpstreamCoverage implements CoverageSource {
  readonly upstream = true;
  private readonly inFlight = new Map<string, { call: Promise<Enrollee | null>; answeredAt: number | null }>();
  private readonly now: () => number;

  constructor(
    private readonly repos: Pick<Repositories, 'registry'>,
    /** Goes through its own breaker and timeout (see ops/enrollment-client.ts). */
    private readonly fetchUpstream: EnrollmentFetch,
    private readonly options: CachedCoverageOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async lookup(card: string): Promise<CoverageResolution> {
    return this.resolve(card, { enrollee: null, coverageEntry: await this.repos.registry.getCoverageEntry(card) });
  }

  async refresh(card: string): Promise<void> {
    this.inFlight.delete(card);
    await this.repos.registry.dropCoverageEntry(card);
  }

  async resolve(card: string, inputs: CoverageInputs): Promise<CoverageResolution> {
    const entry = inputs.coverageEntry === null ? null : checkStored<CacheEntry>(coverageEntrySchema, inputs.coverageEntry, 'coverage cache entry');
    const ageSeconds = entry ? (this.now() - entry.fetchedAt) / 1000 : Infinity;
    if (entry && entry.enrollee === null && ageSeconds < this.options.negativeTtlSeconds) {
      this.count('negative');
      throw notFound(card);
    }
    if (entry && entry.enrollee !== null && ageSeconds < this.options.ttlSeconds) {
      this.count('hit');
      return { enrollee: entry.enrollee, notes: [] };
    }
    this.count('miss');
    let fresh: Enrollee | null;
    try {
      fresh = await this.fetchOnce(card);
    } catch (error) {
      if (entry && entry.enrollee !== null && ageSeconds < this.options.maxStaleSeconds) {
        this.count('stale');
        return {
          enrollee: entry.enrollee,
          // The note travels on the answer and the slip: Chinese in notesZh; the upstream's reason only in the English note.
          notes: [sayBoth('notes.coverage.stale', { seconds: Math.round(ageSeconds), reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' })],
        };
      }
      throw new UnavailableError(`the enrollment system is unavailable and no recent copy of card ${card}'s coverage is cached; nothing was recorded`, 5);
    }
    if (fresh === null) throw notFound(card);
    return { enrollee: fresh, notes: [] };
  }

  /**
   * Concurrent misses for one card make one upstream call. A finished answer is
   * shared for a moment more with requests that read the cache just before it
   * was written.
   */
  private fetchOnce(card: string): Promise<Enrollee | null> {
    const shared = this.inFlight.get(card);
    if (shared && (shared.answeredAt === null || this.now() - shared.answeredAt < COALESCE_MS)) return shared.call;
    const entry: { call: Promise<Enrollee | null>; answeredAt: number | null } = { call: Promise.resolve(null), answeredAt: null };
    entry.call = (async () => {
      try {
        const enrollee = await this.fetchUpstream(card);
        const fetchedAt = this.now();
        const ttl = enrollee === null ? this.options.negativeTtlSeconds : this.options.maxStaleSeconds;
        const cached: CacheEntry = { fetchedAt, enrollee };
        // A copy that cannot be written is only a missed cache; the answer itself is good.
        await this.repos.registry.putCoverageEntry(card, JSON.stringify(cached), Math.max(1, Math.ceil(ttl))).catch(() => undefined);
        entry.answeredAt = fetchedAt;
        setTimeout(() => this.forget(card, entry.call), COALESCE_MS).unref();
        return enrollee;
      } catch (error) {
        this.forget(card, entry.call);
        throw error;
      }
    })();
    this.inFlight.set(card, entry);
    return entry.call;
  }

  private forget(card: string, call: Promise<Enrollee | null>): void {
    if (this.inFlight.get(card)?.call === call) this.inFlight.delete(card);
  }

  private count(result: 'hit' | 'miss' | 'stale' | 'negative'): void {
    this.options.metrics?.coverageCache.inc({ result });
  }
}
