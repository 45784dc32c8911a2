/** Authentication (Bearer key → caller) and the role/scope checks of api.md, in one place. */
import type { NextFunction, Request, Response } from 'express';
import { AuthError } from '../domain/errors.js';
import type { Caller, KeyRing } from '../ops/api-keys.js';

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller;
  }
}

/** A holder the server can swap on SIGHUP: requests in flight keep the ring they started with. */
export class KeyRingHolder {
  constructor(public current: KeyRing) {}
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function authenticate(keys: KeyRingHolder) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.get('authorization');
    const match = header ? BEARER.exec(header) : null;
    if (!match) return next(new AuthError('UNAUTHENTICATED', 'missing Authorization: Bearer <key>'));
    const caller = keys.current.verify(match[1]!);
    if (!caller) return next(new AuthError('UNAUTHENTICATED', 'unknown key'));
    req.caller = caller;
    next();
  };
}

/** The caller when the request carries a valid key, else null (for endpoints that answer anyone, and say more to some). */
export function callerIfAny(keys: KeyRingHolder, req: Request): Caller | null {
  const header = req.get('authorization');
  const match = header ? BEARER.exec(header) : null;
  return match ? keys.current.verify(match[1]!) : null;
}

export function callerOf(req: Request): Caller {
  if (!req.caller) throw new AuthError('UNAUTHENTICATED', 'missing Authorization: Bearer <key>');
  return req.caller;
}

export function requireRole(req: Request, ...roles: Caller['role'][]): Caller {
  const caller = callerOf(req);
  if (!roles.includes(caller.role)) throw new AuthError('FORBIDDEN', `role ${caller.role} may not ${req.method} ${req.baseUrl}${req.route?.path ?? req.path}`);
  return caller;
}
