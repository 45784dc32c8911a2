/** The service's own answers: health, readiness, the caller, the index and the national envelope. */
import { z } from 'zod';

/** Readiness as the process judges it; probes see only ready or not. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, string>;
}

export const healthSchema = z.strictObject({ status: z.literal('ok') });
export const readinessSchema = z.strictObject({
  status: z.enum(['ready', 'not-ready']),
  /** Shown to an admin key (and on the metrics listener). */
  checks: z.record(z.string(), z.string()).optional(),
});

export const callerSchema = z
  .strictObject({
    id: z.string(),
    role: z.enum(['admin', 'billing', 'referral']),
    hospitalId: z.string().optional(),
    region: z.string().optional(),
  })
  .meta({ id: 'Caller' });

/** The national platform's answer envelope (national-platform.md §1): output is the transaction's own. */
export const envelopeAnswerSchema = z
  .strictObject({
    infcode: z.union([z.literal(0), z.literal(-1)]),
    inf_refmsgid: z.string().regex(/^\d{30}$/),
    refmsg_time: z.string().regex(/^\d{17}$/),
    respond_time: z.string().regex(/^\d{17}$/),
    err_msg: z.string().nullable(),
    warn_msg: z.string().nullable(),
    cainfo: z.string().nullable(),
    signtype: z.string().nullable(),
    output: z.unknown(),
  })
  .meta({ id: 'PlatformAnswer' });

export const serviceIndexSchema = z.strictObject({
  service: z.string(),
  version: z.string(),
  links: z.record(z.string(), z.string()),
});
