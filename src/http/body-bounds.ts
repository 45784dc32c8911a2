/**
 * Bounds on a request's body that hold before any route sees it
 * (docs/bounds.md): a deadline for the whole request to arrive (slow bodies
 * hold a request slot otherwise), and a depth for nested objects and arrays
 * (a 5,000-level input must be a 400, never a stack overflow later).
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ValidationError } from '../domain/errors.js';
import { parseJsonBytes, scanJson } from './json-pieces.js';
import { noteBodyBytes } from './rate-limit.js';

/** The deepest nesting of objects and arrays in JSON text (strings skipped); json-pieces.ts's one scan, no recursion. */
export function jsonDepth(text: Buffer | string): number {
  return scanJson(typeof text === 'string' ? Buffer.from(text) : text, 0).depth;
}

/** Refuses JSON text nested deeper than `maxDepth` (400 naming the body). */
export function assertDepth(text: Buffer | string, maxDepth: number): void {
  const depth = jsonDepth(text);
  if (depth > maxDepth) {
    throw new ValidationError(`the body nests objects and arrays ${depth} deep; at most ${maxDepth}`, [{ path: '(body)', message: `nested deeper than ${maxDepth}` }]);
  }
}

/** The body parsers' `verify` hook: notes the size for the key's work charge and checks the depth. */
export function verifyBody(maxDepth: number) {
  return (req: Request, res: Response, body: Buffer): void => {
    noteBodyBytes(req, res, body);
    assertDepth(body, maxDepth);
  };
}

/**
 * A request whose body has not fully arrived `ms` after it began is answered
 * 400 (its body cannot be read: VALIDATION_FAILED, as a body cut short is)
 * and its connection closed: a byte every few seconds cannot hold a slot.
 */
export function bodyDeadline(ms: number) {
  const body = Buffer.from(
    JSON.stringify({
      error: { code: 'VALIDATION_FAILED', message: `the request did not arrive within ${ms} ms; nothing was done`, details: [{ path: '(body)', message: 'too slow' }] },
    }),
  );
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.complete) return next();
    const timer = setTimeout(() => {
      if (req.complete || res.headersSent) return;
      res.shouldKeepAlive = false;
      res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length, Connection: 'close' }).end(body);
      // The rest of the body is not waited for.
      req.socket.destroySoon();
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('close', clear);
    req.once('end', clear);
    next();
  };
}

/** A body-parser error as express.json makes it (errors.ts answers it by its type). */
function parserError(type: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { type, status, expose: true });
}

/**
 * JSON bodies as express.json reads them (same limit, types, errors), but the
 * work after the bytes have arrived in two turns, not one: the scan (depth,
 * the largest array), then the decoding and parse, a large array in pieces
 * (json-pieces.ts). For bills of up to 2 MB, where together they take tens
 * of milliseconds.
 */
export function jsonInTurns(options: { limit: string; maxDepth: number }): RequestHandler {
  const raw = express.raw({ limit: options.limit, type: 'application/json', verify: noteBodyBytes });
  return (req, res, next) => {
    raw(req, res, (error?: unknown) => {
      if (error || !Buffer.isBuffer(req.body)) return next(error);
      const bytes: Buffer = req.body;
      const charset = /;\s*charset=["']?([^;"'\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
        return next(parserError('charset.unsupported', 415, `unsupported charset "${charset.toUpperCase()}"`));
      const parse = async () => {
        await nextTurn();
        const scan = scanJson(bytes, options.maxDepth);
        if (scan.depth > options.maxDepth) assertDepth(bytes, options.maxDepth);
        await nextTurn();
        try {
          req.body = bytes.length === 0 ? {} : parseJsonBytes(bytes, scan);
        } catch (cause) {
          throw parserError('entity.parse.failed', 400, (cause as Error).message);
        }
      };
      parse().then(() => next(), next);
    });
  };
}
