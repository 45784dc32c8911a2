/**
 * pino JSON logs. Card numbers are masked to their last four characters
 * (URLs: from the matched route's parameters, or, for a URL no route matched,
 * every path segment and query value that could be a card);
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

/** Letters and digits only, 6 or more: could be a card (a shorter one shows too little of a card to matter). */
const CARD_LIKE = /^[A-Za-z0-9]{6,}$/;
/** A resident identity number (15 digits, or 17 and a check character), the usual card number. */
const IDENTITY_NUMBER = /^(\d{15}|\d{17}[\dXx])$/;
/** Words of the API's own paths: left readable in unmatched URLs (compared case-insensitively). */
const API_WORDS = new Set([
  'settlements', 'preview', 'reversal', 'enrollees', 'accumulators', 'refresh', 'hospitals', 'referrals', 'policies',
  'statements', 'reconciliations', 'healthz', 'readyz', 'metrics', 'openapi', 'docs', 'desk',
]);

function maskIf(text: string, couldBeCard: (value: string) => boolean): string {
  const value = decoded(text);
  return couldBeCard(value) ? encodeURIComponent(maskCard(value)) : text;
}

const cardLike = (value: string) => CARD_LIKE.test(value) && !API_WORDS.has(value.toLowerCase());
const identityNumber = (value: string) => IDENTITY_NUMBER.test(value);

/** A query string (after "?"): `card` values always masked, and every other key or value that could be a card. */
export function maskQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 0) return maskIf(pair, cardLike);
      const key = pair.slice(0, at);
      const value = pair.slice(at + 1);
      return `${maskIf(key, cardLike)}=${decoded(key) === 'card' ? encodeURIComponent(maskCard(decoded(value))) : maskIf(value, cardLike)}`;
    })
    .join('&');
}

function splitUrl(url: string): { path: string; query: string | null } {
  const at = url.indexOf('?');
  return at < 0 ? { path: url, query: null } : { path: url.slice(0, at), query: url.slice(at + 1) };
}

/** A URL no route matched: every path segment and query key or value that could be a card is masked. */
export function maskUnmatchedUrl(url: string): string {
  const { path, query } = splitUrl(url);
  const masked = path
    .split('/')
    .map((segment) => maskIf(segment, cardLike))
    .join('/');
  return query === null ? masked : `${masked}?${maskQuery(query)}`;
}

/**
 * The URL of a matched route, rebuilt from its pattern and parameters:
 * `card` masked, any other parameter masked when it is an identity number
 * (a card sent where an id belongs), the query as maskQuery does.
 */
export function routeUrl(pattern: string, params: Readonly<Record<string, unknown>>, originalUrl: string): string {
  const path = pattern.replace(/:(\w+)/g, (token, name: string) => {
    const value = params[name];
    if (typeof value !== 'string') return token;
    const shown = name === 'card' || identityNumber(value) ? maskCard(value) : value;
    return encodeURIComponent(shown);
  });
  const { query } = splitUrl(originalUrl);
  return query === null ? path : `${path}?${maskQuery(query)}`;
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
