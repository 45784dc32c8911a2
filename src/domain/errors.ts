/**
 * One error hierarchy for the whole service. Each error has a contract code
 * (api.md "Errors"); the HTTP layer maps codes to statuses in one place.
 */
export const REFUSAL_CODES = [
  'NO_POLICY',
  'NOT_COVERED',
  'VISIT_TYPE_NOT_COVERED',
  'SPECIAL_DISEASE_NOT_APPROVED',
  'REFERRAL_REQUIRED',
  'CROSS_YEAR_SPLIT_REQUIRED',
  'HOSPITAL_NOT_FOUND',
  'CONSORTIUM_TRANSFER_UNMATCHED',
  'CATALOGUE_CODE_UNKNOWN',
  'STAY_OVERLAPS',
] as const;
/** Why the rules refuse to settle a request (HTTP 422). */
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export type ErrorCode =
  | RefusalCode
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ENROLLEE_NOT_FOUND'
  | 'IDEMPOTENCY_CONFLICT'
  | 'ALREADY_REVERSED'
  | 'LIMIT_REACHED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'OVERLOADED'
  | 'ARCHIVED'
  | 'INTERNAL';

export interface ErrorDetail {
  path: string;
  message: string;
}

export class AppError extends Error {
  /** The Chinese edition where the thrower knows better than the code's catalogue sentence (the HTTP layer picks by Accept-Language). */
  zh?: { message?: string; details?: ErrorDetail[] };
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super('VALIDATION_FAILED', message, details);
  }
}

/** A refusal by the rules: nothing is recorded. */
export class RefusalError extends AppError {
  constructor(code: RefusalCode, message: string, details: ErrorDetail[] = []) {
    super(code, message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code: 'NOT_FOUND' | 'ENROLLEE_NOT_FOUND' = 'NOT_FOUND') {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: 'IDEMPOTENCY_CONFLICT' | 'ALREADY_REVERSED', message: string) {
    super(code, message);
  }
}

export class UnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('UNAVAILABLE', message);
  }
}

/** The caller's key sent more than its share (429): nothing was done, retry after the given seconds. */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('RATE_LIMITED', message);
  }
}

/** This process is too busy to take the request (503); storage is fine. Nothing was recorded unless a retry with the same requestId says so. */
export class OverloadedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('OVERLOADED', message);
  }
}

/** Seconds the caller should wait before retrying, for the errors that carry one. */
export function retryAfterOf(error: AppError): number | undefined {
  return error instanceof UnavailableError || error instanceof RateLimitedError || error instanceof OverloadedError ? error.retryAfterSeconds : undefined;
}

/**
 * A write reached the Redis primary but too few replicas confirmed it in
 * time (store/replication.ts): its result is unknown to the caller until a
 * retry with the same requestId answers it. Storage itself answered, so it
 * does not count against the Redis breaker.
 */
export class ReplicationUnconfirmedError extends UnavailableError {}

/** A record of a closed benefit year, moved out of Redis into an archive (404 ARCHIVED, naming it). */
export class ArchivedError extends AppError {
  constructor(
    message: string,
    readonly archive: string,
  ) {
    super('ARCHIVED', message, [{ path: 'archive', message: archive }]);
  }
}

export class AuthError extends AppError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(code, message);
  }
}

/** A per-person bound (e.g. active filings) would be exceeded: nothing is recorded (422). */
export class LimitError extends AppError {
  constructor(message: string) {
    super('LIMIT_REACHED', message);
  }
}

/**
 * A record read back from storage that is not what was written (corrupt or
 * foreign): a fault of the store, never of the request, so not an AppError.
 */
export class CorruptRecordError extends Error {
  constructor(
    readonly what: string,
    detail: string,
  ) {
    super(`stored ${what} is corrupt: ${detail}`);
    this.name = 'CorruptRecordError';
  }
}
