/**
 * Referral filings on the wire (api.md "Referrals"): the filing a hospital
 * sends and the filing the service answers.
 */
import { z } from 'zod';
import { FILING_KINDS } from '../domain/types.js';
import { cardSchema, dateSchema, idSchema, isoDate, nullableString, operatorView, timestamp } from './fields.js';

export const filingCreateSchema = z
  .object({
    card: cardSchema,
    kind: z.enum(FILING_KINDS),
    validFrom: dateSchema,
    validTo: dateSchema,
    toHospitalId: idSchema.nullish(),
    diagnosis: z.string().min(1).max(200).nullish(),
  })
  .refine((f) => f.validFrom <= f.validTo, { path: ['validTo'], message: 'validTo must not be before validFrom' });

export const filingResponseSchema = z
  .strictObject({
    referralId: z.string().meta({ example: 'R-2a5f-0f7c3d2e9b8a4c6d8e1f2a3b4c5d6e7f' }),
    card: z.string(),
    kind: z.enum(FILING_KINDS),
    validFrom: isoDate,
    validTo: isoDate,
    toHospitalId: nullableString,
    diagnosis: nullableString,
    status: z.enum(['active', 'revoked']),
    createdAt: timestamp.optional(),
    revokedAt: timestamp.nullable(),
    revocation: z.strictObject({ reason: nullableString, operator: operatorView }).optional(),
    filedBy: z
      .strictObject({ hospitalId: z.string(), keyId: z.string() })
      .optional()
      .meta({ description: 'the hospital that filed it through the platform (2501), which alone may revoke it (2502)' }),
  })
  .meta({ id: 'Filing', description: 'A referral filing (转诊转院备案, 异地安置, 异地就医备案): kept, never erased.' });

export const filingListSchema = z.strictObject({
  card: z.string(),
  status: z.enum(['active', 'all']),
  referrals: z.array(filingResponseSchema),
  next: nullableString,
});
