/** The insurer's registry: hospitals, enrollees and their accumulators. */
import { accumulatorsView, type AccumulatorsView } from '../domain/accumulators.js';
import { NotFoundError } from '../domain/errors.js';
import type { Enrollee, Hospital } from '../domain/types.js';
import type { Store } from '../store/store.js';

export class RegistryService {
  constructor(private readonly store: Store) {}

  putHospital(hospital: Hospital): Promise<'created' | 'updated'> {
    return this.store.putHospital(hospital);
  }

  async getHospital(hospitalId: string): Promise<Hospital> {
    const hospital = await this.store.getHospital(hospitalId);
    if (!hospital) throw new NotFoundError(`no hospital ${hospitalId}`);
    return hospital;
  }

  putEnrollee(enrollee: Enrollee): Promise<'created' | 'updated'> {
    return this.store.putEnrollee(enrollee);
  }

  async getEnrollee(card: string): Promise<Enrollee> {
    const enrollee = await this.store.getEnrollee(card);
    if (!enrollee) throw new NotFoundError(`no enrollee with card ${card}`, 'ENROLLEE_NOT_FOUND');
    return enrollee;
  }

  async getAccumulators(card: string, year: number): Promise<AccumulatorsView & { card: string; year: number; version: string }> {
    const { accumulators, version } = await this.store.getAccumulators(card, year);
    return { card, year, ...accumulatorsView(accumulators), version };
  }
}
