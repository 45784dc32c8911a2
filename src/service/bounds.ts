/**
 * Every bound no caller can push past (docs/bounds.md): sizes, counts and lives
 * of what is stored, and the work one request may cost. Defaults here; each
 * has an environment setting, read once at start (server.ts).
 */
import { MAX_CLAIM_AGE_MS, VOID_CLAIM_SECONDS } from '../store/store-records.js';

export interface Bounds {
  /** Differences kept with one reconciliation run (the rest are counted, not stored). */
  reconciliationDifferences: number;
  /** Runs kept per hospital-day; older ones are dropped (and counted). */
  reconciliationRuns: number;
  /** Days with kept runs per hospital (the days run least recently are dropped). */
  reconciliationDays: number;
  /** Days a hospital-day's reconciliation runs are kept. */
  reconciliationTtlDays: number;
  /** Seconds a voided claim's marker lives (a refused settlement's trace); at least the maximum claim age. */
  voidClaimSeconds: number;
  /** Requests one key may have in flight in this process. */
  perKeyInFlight: number;
  /** Milliseconds a client may take to send a whole request (slow bodies). */
  requestTimeoutMs: number;
  /** Depth of nested objects and arrays accepted in any body. */
  maxJsonDepth: number;
}

export const DEFAULT_BOUNDS: Bounds = {
  reconciliationDifferences: 100,
  reconciliationRuns: 10,
  reconciliationDays: 31,
  reconciliationTtlDays: 400,
  voidClaimSeconds: VOID_CLAIM_SECONDS,
  perKeyInFlight: 32,
  requestTimeoutMs: 10_000,
  maxJsonDepth: 32,
};

/** Environment setting → bound. */
export const BOUND_SETTINGS: Record<keyof Bounds, string> = {
  reconciliationDifferences: 'RECON_MAX_DIFFERENCES',
  reconciliationRuns: 'RECON_MAX_RUNS_PER_DAY',
  reconciliationDays: 'RECON_MAX_DAYS',
  reconciliationTtlDays: 'RECON_TTL_DAYS',
  voidClaimSeconds: 'VOID_CLAIM_TTL_SECONDS',
  perKeyInFlight: 'MAX_IN_FLIGHT_PER_KEY',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  maxJsonDepth: 'MAX_JSON_DEPTH',
};

/** The bounds, each from its setting when set (a positive whole number), else its default. */
export function boundsFromEnv(env: NodeJS.ProcessEnv = process.env): Bounds {
  const bounds = { ...DEFAULT_BOUNDS };
  for (const [name, setting] of Object.entries(BOUND_SETTINGS) as [keyof Bounds, string][]) {
    const text = env[setting];
    if (text === undefined || text === '') continue;
    if (!/^[1-9]\d{0,9}$/.test(text)) throw new Error(`${setting} must be a positive whole number, not ${JSON.stringify(text)}`);
    bounds[name] = Number(text);
  }
  // A mark gone before its claim's commit is fenced by age would let that commit settle.
  if (bounds.voidClaimSeconds * 1000 < MAX_CLAIM_AGE_MS) {
    throw new Error(`VOID_CLAIM_TTL_SECONDS must be at least ${MAX_CLAIM_AGE_MS / 1000} (the age past which a claim may no longer commit), not ${bounds.voidClaimSeconds}`);
  }
  return bounds;
}
