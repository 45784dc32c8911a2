/**
 * pino JSON logs. Card numbers are masked to their last four characters;
 * request bodies, names and keys are never logged. The one line per request
 * is written by the HTTP layer's observer (src/http/observe.ts).
 */
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

export function maskCard(card: string): string {
  return card.length <= 4 ? '****' : `${'*'.repeat(card.length - 4)}${card.slice(-4)}`;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Masks the card segment of person URLs and the card query parameter. */
export function maskUrl(url: string): string {
  return url
    .replace(/(\/enrollees\/)([^/?#]+)/, (_, prefix: string, card: string) => `${prefix}${maskCard(decoded(card))}`)
    .replace(/([?&]card=)([^&#]+)/, (_, prefix: string, card: string) => `${prefix}${maskCard(decoded(card))}`);
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

/** The caller's X-Request-Id when it is well-formed, else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
