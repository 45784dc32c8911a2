/** The one place where errors become HTTP: contract codes → statuses, one body shape, no stack traces. */
import type { NextFunction, Request, Response } from 'express';
import { AppError, retryAfterOf, type ErrorCode, type ErrorDetail } from '../domain/errors.js';

export const STATUS_OF: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ENROLLEE_NOT_FOUND: 404,
  ARCHIVED: 404,
  IDEMPOTENCY_CONFLICT: 409,
  ALREADY_REVERSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  HOSPITAL_NOT_FOUND: 422,
  NO_POLICY: 422,
  NOT_COVERED: 422,
  VISIT_TYPE_NOT_COVERED: 422,
  SPECIAL_DISEASE_NOT_APPROVED: 422,
  REFERRAL_REQUIRED: 422,
  CROSS_YEAR_SPLIT_REQUIRED: 422,
  CONSORTIUM_TRANSFER_UNMATCHED: 422,
  LIMIT_REACHED: 422,
  CATALOGUE_CODE_UNKNOWN: 422,
  STAY_OVERLAPS: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  OVERLOADED: 503,
};

export function sendError(res: Response, code: ErrorCode, message: string, details: ErrorDetail[] = [], retryAfterSeconds?: number): void {
  if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
  res.status(STATUS_OF[code]).json({ error: { code, message, details } });
}

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/** Express error middleware (4 arguments). Unknown errors are logged by the caller-supplied hook and answered 500 without details. */
export function errorHandler(onUnexpected: (error: unknown, req: Request) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (error instanceof AppError) return sendError(res, error.code, error.message, error.details, retryAfterOf(error));
    const parserError = error as BodyParserError;
    switch (parserError.type) {
      case 'entity.parse.failed':
        return sendError(res, 'VALIDATION_FAILED', 'the body is not valid JSON', [{ path: '(body)', message: 'malformed JSON' }]);
      case 'entity.too.large':
        return sendError(res, 'PAYLOAD_TOO_LARGE', 'the body is larger than the limit', [{ path: '(body)', message: 'too large' }]);
      case 'encoding.unsupported':
      case 'charset.unsupported':
      case 'request.size.invalid':
      case 'request.aborted':
        return sendError(res, 'VALIDATION_FAILED', 'the body cannot be read', [{ path: '(body)', message: String(parserError.type) }]);
    }
    // Other client faults the framework itself marks with a 4xx status (http-errors convention):
    // a path parameter with malformed percent-encoding (the router's URIError, e.g. /v1/hospitals/%),
    // a body whose Content-Encoding (gzip, deflate, br) does not match its bytes (zlib error).
    const status = parserError.status ?? parserError.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (error instanceof URIError) {
        return sendError(res, 'VALIDATION_FAILED', 'the path cannot be decoded', [{ path: '(path)', message: 'malformed percent-encoding' }]);
      }
      return sendError(res, 'VALIDATION_FAILED', 'the body cannot be decoded', [{ path: '(body)', message: 'undecodable body (does it match its Content-Encoding?)' }]);
    }
    onUnexpected(error, req);
    sendError(res, 'INTERNAL', 'internal error');
  };
}
