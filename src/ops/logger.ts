/**
 * pino JSON logs: one line per request with a request id (X-Request-Id or a
 * generated one, echoed back). Card numbers are masked to their last four
 * characters; request bodies, names and keys are never logged.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export function maskCard(card: string): string {
  return card.length <= 4 ? '****' : `${'*'.repeat(card.length - 4)}${card.slice(-4)}`;
}

/** Masks the card segment of person URLs and the card query parameter. */
export function maskUrl(url: string): string {
  return url
    .replace(/(\/enrollees\/)([^/?#]+)/, (_, prefix: string, card: string) => `${prefix}${maskCard(decodeURIComponent(card))}`)
    .replace(/([?&]card=)([^&#]+)/, (_, prefix: string, card: string) => `${prefix}${maskCard(decodeURIComponent(card))}`);
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'card', '*.card'], censor: '[masked]' },
    },
    destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Express rewrites req.url inside routers; originalUrl is what the caller sent. */
function urlOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const header = req.headers['x-request-id'];
      const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    quietReqLogger: true,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${maskUrl(urlOf(req))} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${maskUrl(urlOf(req))} ${res.statusCode}`,
    // A 5xx answer is logged with its status; pino-http's synthetic "failed with status code" error adds only a stack.
    customErrorObject: (_req, _res, error, value: Record<string, unknown>) =>
      /^failed with status code/.test(error.message) ? { ...value, err: undefined } : value,
    serializers: {
      req: (req: { id: unknown; method: string; url: string; raw?: { originalUrl?: string } }) => ({
        id: req.id,
        method: req.method,
        url: maskUrl(req.raw?.originalUrl ?? req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      err: pino.stdSerializers.err,
    },
  });
}
