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

/** A run of letters and digits, 6 or more: could be a card (a shorter one shows too little of a card to matter). */
const CARD_RUN = /[A-Za-z0-9]{6,}/g;
/** A run that is a resident identity number (15 digits, or 17 and a check character), the usual card number. */
const IDENTITY_RUN = /\d{17}[\dXx]|\d{15,}/g;
/** Words of the API's own paths: left readable in unmatched URLs (compared case-insensitively). */
const API_WORDS = new Set([
  'settlements',
  'preview',
  'reversal',
  'enrollees',
  'accumulators',
  'refresh',
  'hospitals',
  'referrals',
  'policies',
  'statements',
  'reconciliations',
  'healthz',
  'readyz',
  'metrics',
  'openapi',
  'docs',
  'desk',
]);

/** The text with every run of the pattern masked (decoded first; re-encoded when something was masked). */
function maskRuns(text: string, run: RegExp): string {
  const value = decoded(text);
  let masked = false;
  const shown = value.replace(run, (found) => {
    if (API_WORDS.has(found.toLowerCase())) return found;
    masked = true;
    return maskCard(found);
  });
  return masked ? encodeURIComponent(shown) : text;
}

/** A query string (after "?"): `card` values masked whole, and every run in a key or value that could be a card. */
export function maskQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 0) return maskRuns(pair, CARD_RUN);
      const key = pair.slice(0, at);
      const value = pair.slice(at + 1);
      return `${maskRuns(key, CARD_RUN)}=${decoded(key) === 'card' ? encodeURIComponent(maskCard(decoded(value))) : maskRuns(value, CARD_RUN)}`;
    })
    .join('&');
}

function splitUrl(url: string): { path: string; query: string | null } {
  const at = url.indexOf('?');
  return at < 0 ? { path: url, query: null } : { path: url.slice(0, at), query: url.slice(at + 1) };
}

/** A URL no route matched: every run in a path segment or a query key or value that could be a card is masked. */
export function maskUnmatchedUrl(url: string): string {
  const { path, query } = splitUrl(url);
  const masked = path
    .split('/')
    .map((segment) => maskRuns(segment, CARD_RUN))
    .join('/');
  return query === null ? masked : `${masked}?${maskQuery(query)}`;
}

/**
 * The URL of a matched route, rebuilt from its pattern and parameters:
 * `card` masked whole, identity numbers in any other parameter masked (a card
 * sent where an id belongs), the query as maskQuery does.
 */
export function routeUrl(pattern: string, params: Readonly<Record<string, unknown>>, originalUrl: string): string {
  const path = pattern.replace(/:(\w+)/g, (token, name: string) => {
    const value = params[name];
    if (typeof value !== 'string') return token;
    return name === 'card' ? encodeURIComponent(maskCard(value)) : maskRuns(encodeURIComponent(value), IDENTITY_RUN);
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

/** The caller's X-Request-Id when it is well-formed (an identity number in it masked: it is logged), else a new one. */
export function requestIdOf(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || !REQUEST_ID.test(header)) return randomUUID();
  return /\d{15}/.test(header) ? header.replace(IDENTITY_RUN, maskCard) : header;
}
