/** The insurer's registry: hospitals, enrollees and their accumulators. */
import { accumulatorsView, type AccumulatorsView } from '../domain/accumulators.js';
import { businessDayOf } from '../domain/dates.js';
import { formatMoney } from '../domain/money.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import type { CoverageSource } from './coverage.js';
import type { Enrollee, Hospital } from '../domain/types.js';
import type { Repositories } from '../store/repositories.js';
import { HospitalSearch, type HospitalPage, type HospitalQuery } from './hospital-search.js';

export class RegistryService {
  private readonly search: HospitalSearch;

  constructor(
    private readonly repos: Pick<Repositories, 'registry' | 'settlements' | 'hospitalIndex'>,
    private readonly coverage: CoverageSource,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.search = new HospitalSearch(repos.hospitalIndex);
  }

  async putHospital(hospital: Hospital): Promise<'created' | 'updated'> {
    const outcome = await this.repos.registry.putHospital(hospital);
    if (outcome === 'code-taken') {
      throw new ValidationError(`fixmedinsCode ${hospital.fixmedinsCode} already names another hospital`, [
        { path: 'fixmedinsCode', message: 'already the national code of another hospital' },
      ]);
    }
    await this.repos.hospitalIndex.note([hospital]);
    return outcome;
  }

  /**
   * Registry hospitals by part of their name, national code or id, a page at a
   * time. Every reader key sees the whole registry, as it may read any hospital
   * by id: a referral's receiving hospital is outside the key's region by nature.
   */
  searchHospitals(query: HospitalQuery): Promise<HospitalPage> {
    return this.search.search(query);
  }

  /** The hospital the national platform names by its facility code (fixmedins_code). */
  async getHospitalByCode(fixmedinsCode: string): Promise<Hospital> {
    const hospital = await this.repos.registry.getHospitalByCode(fixmedinsCode);
    if (!hospital) throw new NotFoundError(`no hospital with the national code ${fixmedinsCode}`);
    return hospital;
  }

  async getHospital(hospitalId: string): Promise<Hospital> {
    const hospital = await this.repos.registry.getHospital(hospitalId);
    if (!hospital) throw new NotFoundError(`no hospital ${hospitalId}`);
    return hospital;
  }

  async putEnrollee(enrollee: Enrollee): Promise<'created' | 'updated'> {
    // Today as the desks count days (Asia/Shanghai): a person born today may be enrolled today.
    if (enrollee.birthDate > businessDayOf(this.now())) {
      throw new ValidationError('invalid request body: birthDate: a birth date cannot be in the future', [{ path: 'birthDate', message: 'a birth date cannot be in the future' }]);
    }
    const outcome = await this.repos.registry.putEnrollee(enrollee);
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

  async getAccumulators(card: string, year: number): Promise<AccumulatorsView & { card: string; year: number; version: string; ledgers?: Record<string, string> }> {
    const { accumulators, version } = await this.repos.settlements.getAccumulators(card, year);
    const view = { card, year, ...accumulatorsView(accumulators), version };
    if (!accumulators.ledgers) return view;
    return { ...view, ledgers: Object.fromEntries(Object.entries(accumulators.ledgers).map(([key, value]) => [key, formatMoney(value)])) };
  }
}
