/**
 * The scope rules every face applies through the use-cases (api.md "Callers
 * and keys"): what a key may act on, whichever door the request came in by.
 */
import type { Caller } from '../domain/caller.js';
import { AuthError } from '../domain/errors.js';
import type { Actor, Operator } from '../domain/types.js';

/** Billing keys act for their own hospital only. */
export function requireHospital(caller: Caller, hospitalId: string): void {
  if (caller.role === 'billing' && caller.hospitalId !== hospitalId) {
    throw new AuthError('FORBIDDEN', `this key acts for hospital ${caller.hospitalId}, not ${hospitalId}`);
  }
}

/** Referral keys act for persons of their own region only. */
export function requireRegion(caller: Caller, region: string): void {
  if (caller.role === 'referral' && caller.region !== region) {
    throw new AuthError('FORBIDDEN', `this key files for region ${caller.region}, not ${region}`);
  }
}

/** The clerk named in the body, recorded with the key that sent it. */
export function actorOf(caller: Caller, operator: Operator): Actor {
  return { operator, keyId: caller.id };
}
