/**
 * Special-disease filings on the native API (门诊慢特病备案; the platform's
 * 2503 / 2504): a person's approval for one special disease between two
 * dates, filed and revoked by referral desks of the person's region (or admin).
 * Special-outpatient settlements honour an active filing valid on their date.
 */
import { z } from 'zod';
import type { SpecialDiseaseFilings } from '../../service/special-disease-filings.js';
import type { RegistryService } from '../../service/registry.js';
import { requireRegion } from '../../service/scope.js';
import { callerOf } from '../auth.js';
import type { ApiRouter } from '../openapi/operations.js';
import { cardSchema, dateSchema, reversalBodySchema } from '../../contract/fields.js';
import { parseOrThrow } from '../validate.js';

const filingIdSchema = z.string().regex(/^D-[0-9a-f]{4}-[0-9a-f]{32}$/, 'a special-disease filing id');
const draftSchema = z
  .object({
    disease: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a special-disease code as the policy lists it'),
    diseaseName: z.string().max(300).nullish(),
    validFrom: dateSchema,
    validTo: dateSchema,
  })
  .strict()
  .meta({ id: 'SpecialDiseaseFilingDraft' });
const filingSchema = z
  .object({
    filingId: z.string(),
    card: z.string(),
    disease: z.string(),
    diseaseName: z.string().nullable(),
    validFrom: z.string(),
    validTo: z.string(),
    status: z.enum(['active', 'revoked']),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    filedBy: z.object({ hospitalId: z.string().nullable(), keyId: z.string().nullable() }),
    revocation: z
      .object({ reason: z.string().nullable(), operator: z.object({ id: z.string().nullable(), name: z.string().nullable(), keyId: z.string().nullable() }) })
      .optional(),
  })
  .meta({ id: 'SpecialDiseaseFiling' });
const listSchema = z.object({ card: z.string(), filings: z.array(filingSchema) }).meta({ id: 'SpecialDiseaseFilingList' });
const OWN_REGION = 'referral: persons of its own region only; admin: any';

export function specialDiseaseRoutes(v1: ApiRouter, deps: { registry: RegistryService; national?: { specialDiseases: SpecialDiseaseFilings } | undefined }): void {
  const filings = deps.national?.specialDiseases;
  if (!filings) return;
  const inScope = async (req: Parameters<typeof callerOf>[0]) => {
    const caller = callerOf(req);
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const enrollee = await deps.registry.getEnrollee(card);
    requireRegion(caller, enrollee.region);
    return { caller, card };
  };
  v1.on(
    {
      method: 'post',
      path: '/enrollees/{card}/special-diseases',
      operationId: 'fileSpecialDisease',
      summary: 'File a special-disease approval (门诊慢特病备案) valid between two dates',
      tags: ['Referrals'],
      roles: ['admin', 'referral'],
      scope: OWN_REGION,
      params: z.object({ card: cardSchema }),
      body: { schema: draftSchema },
      responses: { 201: { description: 'filed, active', schema: filingSchema } },
      errors: ['ENROLLEE_NOT_FOUND', 'LIMIT_REACHED', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const { caller, card } = await inScope(req);
      const draft = parseOrThrow(draftSchema, req.body);
      res.status(201).json(await filings.file({ ...draft, card, filedBy: { hospitalId: null, keyId: caller.id } }));
    },
  );
  v1.on(
    {
      method: 'get',
      path: '/enrollees/{card}/special-diseases',
      operationId: 'listSpecialDiseases',
      summary: "A person's special-disease filings, revoked ones included",
      tags: ['Referrals'],
      roles: ['admin', 'billing', 'referral'],
      scope: OWN_REGION,
      params: z.object({ card: cardSchema }),
      responses: { 200: { description: 'the filings', schema: listSchema } },
      errors: ['ENROLLEE_NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const { card } = await inScope(req);
      res.json({ card, filings: await filings.ofPerson(card) });
    },
  );
  v1.on(
    {
      method: 'delete',
      path: '/enrollees/{card}/special-diseases/{filingId}',
      operationId: 'revokeSpecialDisease',
      summary: 'Revoke a special-disease filing (kept, never erased; repeatable)',
      tags: ['Referrals'],
      roles: ['admin', 'referral'],
      scope: OWN_REGION,
      params: z.object({ card: cardSchema, filingId: filingIdSchema }),
      body: { schema: reversalBodySchema, required: false },
      responses: { 200: { description: 'the filing with status "revoked"', schema: filingSchema } },
      errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const { caller, card } = await inScope(req);
      const filingId = parseOrThrow(filingIdSchema, req.params.filingId, 'filingId', 'filing id');
      const { operator, reason } = parseOrThrow(reversalBodySchema, req.body ?? {});
      res.json(await filings.revoke(card, filingId, { operator, keyId: caller.id }, reason));
    },
  );
}
