/** The insurer's registry: hospitals, enrollees and their accumulators. */
import { accumulatorsView, type AccumulatorsView } from '../domain/accumulators.js';
import { NotFoundError } from '../domain/errors.js';
import type { CoverageSource } from './coverage.js';
import type { Enrollee, Hospital } from '../domain/types.js';
import type { Store } from '../store/store.js';

export class RegistryService {
  constructor(
    private readonly store: Store,
    private readonly coverage: CoverageSource,
  ) {}

  putHospital(hospital: Hospital): Promise<'created' | 'updated'> {
    return this.store.putHospital(hospital);
  }

  async getHospital(hospitalId: string): Promise<Hospital> {
    const hospital = await this.store.getHospital(hospitalId);
    if (!hospital) throw new NotFoundError(`no hospital ${hospitalId}`);
    return hospital;
  }

  async putEnrollee(enrollee: Enrollee): Promise<'created' | 'updated'> {
    const outcome = await this.store.putEnrollee(enrollee);
    await this.coverage.refresh(enrollee.card);
    return outcome;
  }

  /** The person's coverage as settlements see it (the registry, or the enrollment system's cached copy). */
  async getEnrollee(card: string): Promise<Enrollee> {
    return (await this.coverage.lookup(card)).enrollee;
  }

  refreshCoverage(card: string): Promise<void> {
    return this.coverage.refresh(card);
  }

  get coverageUpstream(): boolean {
    return this.coverage.upstream;
  }

  async getAccumulators(card: string, year: number): Promise<AccumulatorsView & { card: string; year: number; version: string }> {
    const { accumulators, version } = await this.store.getAccumulators(card, year);
    return { card, year, ...accumulatorsView(accumulators), version };
  }
}
