/**
 * Hospitals, enrollees and the cached copy of the enrollment system's record:
 * single-key JSON records (hospitals are global; an enrollee carries its
 * card's hash tag). Knows the key layout, nothing of policy rules.
 */
import { Cluster } from 'ioredis';
import type { Enrollee, Hospital } from '../domain/types.js';
import { keys, slotOfCard } from './keys.js';
import type { ScriptedClient } from './redis.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import type { WriteOutcome } from './script-results.js';
import { putEnrollees as putEnrolleesScript } from './scripts/put-enrollees.js';
import { parseEnrollee, parseHospital } from './record-schemas.js';

export class RegistryRepository {
  constructor(
    readonly redis: ScriptedClient,
    readonly replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
  ) {}

  // ── Registry ────────────────────────────────────────────────────────────

  /** Stores the hospital; 'code-taken' (nothing written) when its fixmedinsCode names another hospital. */
  async putHospital(hospital: Hospital): Promise<'created' | 'updated' | 'code-taken'> {
    const code = hospital.fixmedinsCode ?? null;
    if (code !== null) {
      const holder = await this.redis.set(keys.hospitalByCode(code), hospital.hospitalId, 'NX', 'GET');
      if (holder !== null && holder !== hospital.hospitalId) return 'code-taken';
    }
    const previousJson = await this.redis.set(keys.hospital(hospital.hospitalId), JSON.stringify(hospital), 'GET');
    await this.redis.sadd(keys.hospitals(), hospital.hospitalId);
    const previousCode = previousJson === null ? null : (parseHospital(previousJson).fixmedinsCode ?? null);
    // A code the hospital gave up no longer names it (unless another hospital took it meanwhile).
    if (previousCode !== null && previousCode !== code && (await this.redis.get(keys.hospitalByCode(previousCode))) === hospital.hospitalId) {
      await this.redis.del(keys.hospitalByCode(previousCode));
    }
    return previousJson === null ? 'created' : 'updated';
  }

  /** The hospital whose national facility code this is. */
  async getHospitalByCode(fixmedinsCode: string): Promise<Hospital | null> {
    const hospitalId = await this.redis.get(keys.hospitalByCode(fixmedinsCode));
    return hospitalId === null ? null : this.getHospital(hospitalId);
  }

  async getHospital(hospitalId: string): Promise<Hospital | null> {
    const json = await this.redis.get(keys.hospital(hospitalId));
    return json === null ? null : parseHospital(json);
  }

  async putEnrollee(enrollee: Enrollee): Promise<'created' | 'updated'> {
    const previous = await this.redis.set(keys.enrollee(enrollee.card), JSON.stringify(enrollee), 'GET');
    return previous === null ? 'created' : 'updated';
  }

  async getEnrollee(card: string): Promise<Enrollee | null> {
    const json = await this.redis.get(keys.enrollee(card));
    return json === null ? null : parseEnrollee(json);
  }

  // ── Bulk registry writes (service/registry-bulk.ts) ─────────────────────
  // The same keys and encoding as the single writes above, one command per
  // record issued together: ioredis auto-pipelining sends them as one batch
  // per node (on one Redis or a cluster alike). Each record is one command
  // (a script for an enrollee), so a batch cut short never leaves a
  // half-written record.

  /**
   * Writes each enrollee and drops their cached coverage copy, unless the
   * record is already exactly so: one script call per group of records that
   * share a cluster slot (on one Redis, groups of up to 250, so no call holds
   * Redis for long).
   */
  async putEnrollees(enrollees: readonly Enrollee[]): Promise<WriteOutcome[]> {
    const groups = new Map<number | string, number[]>();
    const cluster = this.redis instanceof Cluster;
    enrollees.forEach((enrollee, i) => {
      const group = cluster ? slotOfCard(enrollee.card) : Math.floor(i / 250);
      const members = groups.get(group);
      if (members) members.push(i);
      else groups.set(group, [i]);
    });
    const outcomes: WriteOutcome[] = new Array(enrollees.length);
    await Promise.all(
      [...groups.values()].map(async (members) => {
        const written = await putEnrolleesScript(
          this.redis,
          members.map((i) => ({ enrolleeKey: keys.enrollee(enrollees[i]!.card), coverageKey: keys.coverage(enrollees[i]!.card), json: JSON.stringify(enrollees[i]) })),
          { ownPipeline: cluster },
        );
        members.forEach((i, j) => (outcomes[i] = written[j]!));
      }),
    );
    return outcomes;
  }

  async putHospitals(hospitals: readonly Hospital[]): Promise<WriteOutcome[]> {
    const jsons = hospitals.map((hospital) => JSON.stringify(hospital));
    const [previous] = await Promise.all([
      Promise.all(hospitals.map((hospital, i) => this.redis.set(keys.hospital(hospital.hospitalId), jsons[i]!, 'GET'))),
      Promise.all(hospitals.map((hospital) => this.redis.sadd(keys.hospitals(), hospital.hospitalId))),
    ]);
    return previous.map((json, i) => (json === null ? 'created' : json === jsons[i] ? 'unchanged' : 'updated'));
  }

  async enrolleesExist(cards: readonly string[]): Promise<boolean[]> {
    return (await Promise.all(cards.map((card) => this.redis.exists(keys.enrollee(card))))).map((n) => n === 1);
  }

  // ── Coverage cache (copy of the enrollment system's record) ─────────────

  getCoverageEntry(card: string): Promise<string | null> {
    return this.redis.get(keys.coverage(card));
  }

  async putCoverageEntry(card: string, entry: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(keys.coverage(card), entry, 'EX', ttlSeconds);
  }

  async dropCoverageEntry(card: string): Promise<void> {
    await this.redis.del(keys.coverage(card));
  }
}
