/**
 * The national platform's face: `POST /hsa/v1` takes the platform's envelope,
 * `infno` selects the transaction (dispatched in src/national/transactions.ts), and the
 * answer is the platform's envelope. A Bearer key as on the native API; the
 * envelope's fixmedins_code must be the key's hospital's (admin keys may act
 * for any). Business failures are HTTP 200 with infcode -1 and err_msg
 * starting with the native code; keys answer 401/403, limits 429 and storage
 * or overload 503, all still with the envelope; bad input is never a 5xx.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { AppError, AuthError, ValidationError, retryAfterOf } from '../../domain/errors.js';
import type { Hospital } from '../../domain/types.js';
import { envelopeSchema, failureAnswer, parseBody, successAnswer, type AnswerContext } from '../../national/envelope.js';
import { TRANSACTIONS, runTransaction, transactionFor, type NationalDependencies } from '../../national/transactions.js';
import type { Metrics } from '../../ops/metrics.js';
import { authenticate, callerOf, type KeyRingHolder } from '../auth.js';
import { STATUS_OF } from '../errors.js';
import { platformAnswerSchema, platformRequestSchema } from '../openapi/national.js';
import { ApiRouter, type OperationRegistry } from '../openapi/operations.js';
import { envelopeAnswerSchema } from '../../contract/service.js';
import { assertDepth } from '../body-bounds.js';
import { noteBodyBytes, type KeyBudget } from '../rate-limit.js';
import { parseOrThrow } from '../validate.js';
import { itemsOf } from './common.js';

/** A 5,000-line 2301 upload is about 2 MB of JSON. */
const BODY_LIMIT = '4mb';

/** What each transaction's envelope may weigh: only uploads of lines and rows need more than a few kB. */
const DEFAULT_ENVELOPE_BYTES = 16 * 1024;
const ENVELOPE_BYTES: Record<string, number> = { '2301': 4 * 1024 * 1024, '3202': 4 * 1024 * 1024, '2304': 64 * 1024, '2303': 64 * 1024 };
const INFNO = /"infno"\s*:\s*"(\d{4})"/;

/** Refuses an envelope heavier than its transaction needs (413) or nested too deep (400), before it is parsed. */
function sizeFitsTransaction(maxDepth: number): RequestHandler {
  return (req, _res, next) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const infno = INFNO.exec(body.slice(0, 4096))?.[1] ?? INFNO.exec(body)?.[1];
    const limit = (infno === undefined ? undefined : ENVELOPE_BYTES[infno]) ?? DEFAULT_ENVELOPE_BYTES;
    const bytes = req.bodyBytes ?? Buffer.byteLength(body);
    if (bytes > limit) return next(new AppError('PAYLOAD_TOO_LARGE', `a ${infno ?? 'message'} envelope may weigh ${limit} bytes; this one weighs ${bytes}`));
    try {
      assertDepth(body, maxDepth);
    } catch (error) {
      return next(error);
    }
    next();
  };
}

export interface NationalRouteDependencies {
  national: NationalDependencies;
  registry: OperationRegistry;
  keys: KeyRingHolder;
  /** The caller key's budget (rate, in flight, body size charged). */
  budget: KeyBudget;
  maxJsonDepth: number;
  metrics?: Metrics | undefined;
  logger?: Logger | undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** The hospital the envelope names, once known (its division heads inf_refmsgid). */
    envelopeHospital?: Hospital;
    receivedAt?: Date;
  }
}

/** Only these statuses leave the envelope's HTTP 200: keys, limits, and a service that cannot serve now. */
const TRANSPORT_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'OVERLOADED', 'UNAVAILABLE']);

function answerContext(req: Request, now: () => Date): AnswerContext {
  return { admdvs: req.envelopeHospital?.admdvs ?? '000000', received: req.receivedAt ?? now(), answered: now() };
}

/** The answer as UTF-8 bytes, its type set whole: a string body would have express parse and set its charset again on every answer. */
function sendEnvelope(res: Response, status: number, text: string): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.status(status).send(Buffer.from(text));
}

/** How long this face trusts a fixmedins_code → hospital lookup (registry changes reach it within this). */
const HOSPITAL_CACHE_MS = 5_000;

export function nationalRoutes(deps: NationalRouteDependencies): Router {
  const { national } = deps;
  // Every message names its facility: a short cache saves two reads a message (bounded by the registry's size).
  const hospitals = new Map<string, { hospital: Hospital | null; at: number }>();
  const hospitalOf = async (code: string): Promise<Hospital | null> => {
    const now = Date.now();
    const cached = hospitals.get(code);
    if (cached && now - cached.at < HOSPITAL_CACHE_MS) return cached.hospital;
    const hospital = await national.registry.getHospitalByCode(code).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    });
    if (hospital !== null) hospitals.set(code, { hospital, at: now });
    return hospital;
  };
  const router = express.Router({ caseSensitive: true });
  const stamp = (req: Request, _res: Response, next: NextFunction) => {
    req.receivedAt = national.now();
    next();
  };
  const handlers: RequestHandler[] = [stamp];
  handlers.push(deps.budget.admit);
  handlers.push(
    deps.budget.watchBody(express.text({ type: () => true, limit: BODY_LIMIT, verify: noteBodyBytes })),
    deps.budget.chargeBody,
    sizeFitsTransaction(deps.maxJsonDepth),
  );

  const api = new ApiRouter(router, '', deps.registry, authenticate(deps.keys));
  api.on(
    {
      method: 'post',
      path: '/hsa/v1',
      operationId: 'platformTransaction',
      summary: `The national platform's envelope: infno selects the transaction (${Object.keys(TRANSACTIONS).sort().join(', ')})`,
      description:
        'Amounts are read exactly from the JSON text (numbers or strings). Business failures are HTTP 200 with infcode -1 and err_msg starting with the native error code; ' +
        'keys answer 401/403, limits 429 and an unavailable service 503, each still with the envelope. docs/national-platform.md has the field map and a whole exchange.',
      tags: ['National platform'],
      roles: ['admin', 'billing', 'referral'],
      scope: "billing: the envelope's fixmedins_code must be its own hospital's; admin: any",
      body: { schema: platformRequestSchema() },
      responses: { 200: { description: 'the platform envelope: infcode 0 with output, or -1 with err_msg', schema: platformAnswerSchema() } },
      errors: ['UNAVAILABLE'],
      errorBody: envelopeAnswerSchema,
    },
    ...handlers,
    async (req: Request, res: Response) => {
      const caller = callerOf(req);
      const envelope = parseOrThrow(envelopeSchema, parseBody(typeof req.body === 'string' ? req.body : ''), '', 'envelope');
      // 2301's fee lines and 3202's rows cost their key before they are validated.
      const { feedetail, detail } = (envelope.input ?? {}) as { feedetail?: unknown; detail?: unknown };
      const items = itemsOf(feedetail) || itemsOf(detail);
      if (items > 0) await deps.budget.chargeItems(req, items, feedetail === undefined ? 'rows' : 'lines');
      const hospital = await hospitalOf(envelope.fixmedins_code);
      if (hospital === null) throw new AuthError('FORBIDDEN', `no hospital of the registry has the national code ${envelope.fixmedins_code}`);
      req.envelopeHospital = hospital;
      if (caller.role === 'billing' && caller.hospitalId !== hospital.hospitalId) {
        throw new AuthError('FORBIDDEN', `this key acts for hospital ${caller.hospitalId}, not for ${envelope.fixmedins_code}`);
      }
      const transaction = transactionFor(caller, envelope.infno);
      const input = parseOrThrow(transaction.input, envelope.input, 'input', 'input');
      const output = await runTransaction(national, caller, hospital, envelope, input, transaction);
      sendEnvelope(res, 200, successAnswer(answerContext(req, national.now), output));
    },
  );

  // Errors the platform's way: the envelope always, the status only for keys, limits and outages.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    let appError: AppError;
    let status = 200;
    if (error instanceof AppError) {
      appError = error;
      if (TRANSPORT_CODES.has(error.code)) status = STATUS_OF[error.code];
    } else {
      const parserError = error as { type?: string; status?: number };
      if (parserError.type === 'entity.too.large') appError = new AppError('PAYLOAD_TOO_LARGE', `the body is larger than ${BODY_LIMIT}`);
      else if (typeof parserError.status === 'number' && parserError.status < 500)
        appError = new ValidationError('the body cannot be read', [{ path: '(body)', message: String(parserError.type ?? 'unreadable') }]);
      else {
        const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
        deps.logger?.error({ req: { id: req.id }, err: { type: name, message, stack } }, 'unexpected error');
        appError = new AppError('INTERNAL', 'internal error');
        status = 500;
      }
    }
    // The HIS reads Chinese in err_msg; the English, with its fields, is the log's.
    if (status < 500)
      deps.logger?.info({ req: { id: req.id }, code: appError.code, err: appError.message, details: appError.details.slice(0, 10) }, 'national transaction refused');
    const retryAfter = retryAfterOf(appError);
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    sendEnvelope(res, status, failureAnswer(answerContext(req, national.now), appError));
  });
  return router;
}
