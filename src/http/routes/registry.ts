/** Registry routes: hospitals and enrollees (writes: admin), accumulators, coverage refresh. */
import { z } from 'zod';
import { enrolleeExample, hospitalExample } from '../openapi/examples.js';
import type { ApiRouter } from '../openapi/operations.js';
import {
  accumulatorsResponseSchema,
  enrolleeResponseSchema,
  hospitalPageSchema,
  hospitalResponseSchema,
  hospitalSearchQuery,
  refreshResponseSchema,
} from '../../contract/registry.js';
import { cardSchema, idSchema, yearSchema } from '../../contract/fields.js';
import { enrolleeSchema, hospitalSchema, toEnrollee, toHospital } from '../../contract/registry.js';
import { parseOrThrow } from '../validate.js';
import type { RouteDependencies } from './common.js';

const READERS = ['admin', 'billing', 'referral'] as const;
const hospitalParams = z.object({ hospitalId: idSchema });
const cardParams = z.object({ card: cardSchema });

export function registryRoutes(v1: ApiRouter, deps: RouteDependencies): void {
  v1.on(
    {
      method: 'put',
      path: '/hospitals/{hospitalId}',
      operationId: 'putHospital',
      summary: 'Create or replace a registry hospital',
      tags: ['Registry'],
      roles: ['admin'],
      params: hospitalParams,
      body: { schema: hospitalSchema, examples: { 'PY-COUNTY': { summary: 'a county hospital of Pingyang', value: hospitalExample.body } } },
      responses: {
        201: { description: 'created', schema: hospitalResponseSchema },
        200: { description: 'replaced', schema: hospitalResponseSchema },
      },
      errors: ['UNAVAILABLE'],
    },
    async (req, res) => {
      const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
      const hospital = toHospital(hospitalId, parseOrThrow(hospitalSchema, req.body));
      const outcome = await deps.registry.putHospital(hospital);
      res.status(outcome === 'created' ? 201 : 200).json(hospital);
    },
  );
  v1.on(
    {
      method: 'get',
      path: '/hospitals',
      operationId: 'searchHospitals',
      summary: 'Find registry hospitals by part of their name, national code or id (the referral desk picks the receiving hospital so)',
      tags: ['Registry'],
      roles: READERS,
      scope: "every reader key: the whole registry, as GET /v1/hospitals/{hospitalId} (a receiving hospital is outside a referral key's region by nature)",
      query: hospitalSearchQuery,
      responses: { 200: { description: 'a page of matching hospitals', schema: hospitalPageSchema } },
      errors: ['UNAVAILABLE'],
    },
    async (req, res) => {
      const query = parseOrThrow(hospitalSearchQuery, { q: req.query.q, admdvs: req.query.admdvs, limit: req.query.limit, cursor: req.query.cursor }, '', 'query');
      const page = await deps.registry.searchHospitals({ q: query.q, admdvs: query.admdvs, cursor: query.cursor ?? null, limit: query.limit });
      res.json({ q: query.q, ...page });
    },
  );
  v1.on(
    {
      method: 'get',
      path: '/hospitals/{hospitalId}',
      operationId: 'getHospital',
      summary: 'Read a registry hospital',
      tags: ['Registry'],
      roles: READERS,
      params: hospitalParams,
      responses: { 200: { description: 'the hospital', schema: hospitalResponseSchema } },
      errors: ['NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
      res.json(await deps.registry.getHospital(hospitalId));
    },
  );

  v1.on(
    {
      method: 'put',
      path: '/enrollees/{card}',
      operationId: 'putEnrollee',
      summary: 'Create or replace an enrollee (drops the cached copy of their coverage)',
      tags: ['Registry'],
      roles: ['admin'],
      params: cardParams,
      body: { schema: enrolleeSchema, examples: { [enrolleeExample.card]: { summary: 'a Pingyang resident covered in 2019', value: enrolleeExample.body } } },
      responses: {
        201: { description: 'created', schema: enrolleeResponseSchema },
        200: { description: 'replaced', schema: enrolleeResponseSchema },
      },
      errors: ['UNAVAILABLE'],
    },
    async (req, res) => {
      const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
      const enrollee = toEnrollee(card, parseOrThrow(enrolleeSchema, req.body));
      const outcome = await deps.registry.putEnrollee(enrollee);
      res.status(outcome === 'created' ? 201 : 200).json(enrollee);
    },
  );
  v1.on(
    {
      method: 'get',
      path: '/enrollees/{card}',
      operationId: 'getEnrollee',
      summary: "Read a person's coverage as settlements see it",
      tags: ['Registry'],
      roles: READERS,
      params: cardParams,
      responses: { 200: { description: 'the enrollee', schema: enrolleeResponseSchema } },
      errors: ['ENROLLEE_NOT_FOUND', 'UNAVAILABLE'],
    },
    async (req, res) => {
      const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
      res.json(await deps.registry.getEnrollee(card));
    },
  );
  v1.on(
    {
      method: 'post',
      path: '/enrollees/{card}/refresh',
      operationId: 'refreshCoverage',
      summary: "Drop the cached copy of a person's coverage (the next request asks the enrollment system)",
      tags: ['Registry'],
      roles: ['admin'],
      params: cardParams,
      responses: { 200: { description: 'dropped', schema: refreshResponseSchema } },
      errors: ['UNAVAILABLE'],
    },
    async (req, res) => {
      const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
      await deps.registry.refreshCoverage(card);
      res.json({ card, refreshed: true, source: deps.registry.coverageUpstream ? 'enrollment system (next request fetches again)' : 'registry' });
    },
  );
  v1.on(
    {
      method: 'get',
      path: '/enrollees/{card}/accumulators/{year}',
      operationId: 'getAccumulators',
      summary: "A person's accumulators of a benefit year (all zero before the first settlement)",
      tags: ['Registry'],
      roles: READERS,
      params: z.object({ card: cardSchema, year: yearSchema }),
      responses: { 200: { description: 'the accumulators', schema: accumulatorsResponseSchema } },
      errors: ['UNAVAILABLE'],
    },
    async (req, res) => {
      const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
      const year = parseOrThrow(yearSchema, req.params.year, 'year', 'year');
      res.json(await deps.registry.getAccumulators(card, year));
    },
  );
}
