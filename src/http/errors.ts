/**
 * The one place where errors become HTTP: contract codes → statuses, one body
 * shape, no stack traces. `message` (and the details' messages) are Chinese
 * unless Accept-Language prefers English; the code never changes.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NextFunction, Request, Response } from 'express';
import { AppError, ReplicationUnconfirmedError, retryAfterOf, type ErrorCode, type ErrorDetail } from '../domain/errors.js';
import { langOf, say, type MessageKey } from '../messages/index.js';
import { knownSentenceZh } from '../messages/zod-issues.js';

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

/** The Chinese edition of a refusal: the thrower's own, else the code's catalogue sentence; details keep their paths. */
export interface ChineseEdition {
  message?: string;
  details?: ErrorDetail[];
}

const CJK = /[\u3400-\u9fff]/;
/** Two Latin words in a row and no Chinese: a sentence for developers, not for the window. */
const ENGLISH_SENTENCE = /[A-Za-z]{2,}[,:;]?\s+[A-Za-z]{2,}/;
/** Three Latin words in a row: English even beside a Chinese word. */
const THREE_WORDS = /(?:[A-Za-z]{2,}[,:;.)'’]*\s+){2,}[A-Za-z]{2,}/;

function chineseDetail(code: ErrorCode, detail: ErrorDetail): ErrorDetail {
  const known = knownSentenceZh(detail.message);
  if (known !== null) return { path: detail.path, message: known };
  const english = (!CJK.test(detail.message) && ENGLISH_SENTENCE.test(detail.message)) || THREE_WORDS.test(detail.message);
  return english ? { path: detail.path, message: say('errors.detail.invalid', { label: say(`errors.label.${code}` as MessageKey) }) } : detail;
}

function chineseDetails(code: ErrorCode, details: ErrorDetail[]): ErrorDetail[] {
  return details.map((detail) => chineseDetail(code, detail));
}

const MANY_DETAILS = 500;

async function chineseDetailsInTurns(code: ErrorCode, details: ErrorDetail[]): Promise<ErrorDetail[]> {
  const inChinese: ErrorDetail[] = [];
  for (let from = 0; from < details.length; from += MANY_DETAILS) {
    await nextTurn();
    for (const detail of details.slice(from, from + MANY_DETAILS)) inChinese.push(chineseDetail(code, detail));
  }
  return inChinese;
}

function chineseMessage(code: ErrorCode, details: ErrorDetail[]): string {
  const fields = [...new Set(details.map((detail) => detail.path))].slice(0, 5).join('、') || '（请求体）';
  const archive = details.find((detail) => detail.path === 'archive')?.message ?? '';
  return say(`errors.code.${code}` as MessageKey, { fields, archive });
}

export function sendError(res: Response, code: ErrorCode, message: string, details: ErrorDetail[] = [], retryAfterSeconds?: number, zh: ChineseEdition = {}): void {
  if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
  const english = langOf(res.req?.get('accept-language')) === 'en';
  const body = english ? { code, message, details } : { code, message: zh.message ?? chineseMessage(code, details), details: zh.details ?? chineseDetails(code, details) };
  res.status(STATUS_OF[code]).json({ error: body });
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
    if (error instanceof AppError) {
      const zh = error instanceof ReplicationUnconfirmedError ? { message: say('errors.replication.unconfirmed'), ...error.zh } : error.zh;
      const { code, message, details } = error;
      // A refusal of a large bill names every line (5,000 details): their Chinese is made in turns.
      if (details.length > MANY_DETAILS && zh?.details === undefined && langOf(req.get('accept-language')) !== 'en') {
        void chineseDetailsInTurns(code, details).then((inChinese) => {
          if (!res.headersSent) sendError(res, code, message, details, retryAfterOf(error), { ...zh, details: inChinese });
        });
        return;
      }
      return sendError(res, code, message, details, retryAfterOf(error), zh);
    }
    const parserError = error as BodyParserError;
    switch (parserError.type) {
      case 'entity.parse.failed':
        return sendError(res, 'VALIDATION_FAILED', 'the body is not valid JSON', [{ path: '(body)', message: 'malformed JSON' }], undefined, {
          message: say('errors.body.notJson'),
          details: [{ path: '(body)', message: say('errors.body.notJson') }],
        });
      case 'entity.too.large':
        return sendError(res, 'PAYLOAD_TOO_LARGE', 'the body is larger than the limit', [{ path: '(body)', message: 'too large' }], undefined, {
          message: say('errors.body.tooLarge'),
          details: [{ path: '(body)', message: say('errors.body.tooLarge') }],
        });
      case 'encoding.unsupported':
      case 'charset.unsupported':
      case 'request.size.invalid':
      case 'request.aborted':
        return sendError(res, 'VALIDATION_FAILED', 'the body cannot be read', [{ path: '(body)', message: String(parserError.type) }], undefined, {
          message: say('errors.body.unreadable'),
          details: [{ path: '(body)', message: say('errors.body.unreadable') }],
        });
    }
    // Other client faults the framework itself marks with a 4xx status (http-errors convention):
    // a path parameter with malformed percent-encoding (the router's URIError, e.g. /v1/hospitals/%),
    // a body whose Content-Encoding (gzip, deflate, br) does not match its bytes (zlib error).
    const status = parserError.status ?? parserError.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      if (error instanceof URIError) {
        return sendError(res, 'VALIDATION_FAILED', 'the path cannot be decoded', [{ path: '(path)', message: 'malformed percent-encoding' }], undefined, {
          message: say('errors.path.undecodable'),
          details: [{ path: '(path)', message: say('errors.path.undecodable') }],
        });
      }
      return sendError(res, 'VALIDATION_FAILED', 'the body cannot be decoded', [{ path: '(body)', message: 'undecodable body (does it match its Content-Encoding?)' }], undefined, {
        message: say('errors.body.undecodable'),
        details: [{ path: '(body)', message: say('errors.body.undecodable') }],
      });
    }
    onUnexpected(error, req);
    sendError(res, 'INTERNAL', 'internal error');
  };
}
