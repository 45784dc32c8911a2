/** Registry routes: hospitals and enrollees (writes: admin), accumulators, coverage refresh. */
import type { Router } from 'express';
import { businessDayOf } from '../../domain/dates.js';
import { ValidationError } from '../../domain/errors.js';
import { requireRole } from '../auth.js';
import { cardSchema, enrolleeSchema, hospitalSchema, idSchema, toEnrollee, toHospital, yearSchema } from '../schemas.js';
import { parseOrThrow } from '../validate.js';
import type { RouteDependencies } from './common.js';

export function registryRoutes(v1: Router, deps: RouteDependencies): void {
  v1.put('/hospitals/:hospitalId', async (req, res) => {
    requireRole(req, 'admin');
    const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
    const hospital = toHospital(hospitalId, parseOrThrow(hospitalSchema, req.body));
    const outcome = await deps.registry.putHospital(hospital);
    res.status(outcome === 'created' ? 201 : 200).json(hospital);
  });
  v1.get('/hospitals/:hospitalId', async (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const hospitalId = parseOrThrow(idSchema, req.params.hospitalId, 'hospitalId', 'hospital id');
    res.json(await deps.registry.getHospital(hospitalId));
  });

  v1.put('/enrollees/:card', async (req, res) => {
    requireRole(req, 'admin');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const enrollee = toEnrollee(card, parseOrThrow(enrolleeSchema, req.body));
    // Today as the desks count days (Asia/Shanghai): a person born today may be enrolled today.
    if (enrollee.birthDate > businessDayOf(deps.now())) {
      throw new ValidationError('invalid request body: birthDate: a birth date cannot be in the future', [{ path: 'birthDate', message: 'a birth date cannot be in the future' }]);
    }
    const outcome = await deps.registry.putEnrollee(enrollee);
    res.status(outcome === 'created' ? 201 : 200).json(enrollee);
  });
  v1.get('/enrollees/:card', async (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    res.json(await deps.registry.getEnrollee(card));
  });
  v1.post('/enrollees/:card/refresh', async (req, res) => {
    requireRole(req, 'admin');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    await deps.registry.refreshCoverage(card);
    res.json({ card, refreshed: true, source: deps.registry.coverageUpstream ? 'enrollment system (next request fetches again)' : 'registry' });
  });
  v1.get('/enrollees/:card/accumulators/:year', async (req, res) => {
    requireRole(req, 'admin', 'billing', 'referral');
    const card = parseOrThrow(cardSchema, req.params.card, 'card', 'card');
    const year = parseOrThrow(yearSchema, req.params.year, 'year', 'year');
    res.json(await deps.registry.getAccumulators(card, year));
  });
}
