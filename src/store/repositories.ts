/**
 * The repositories over one connection set: one per aggregate, each knowing
 * its keys and encoding and nothing of policy rules. The composition root
 * opens them together; a use-case takes the ones it needs.
 */
import { ArchiveStore } from './archive-store.js';
import { FilingRepository } from './filing-repository.js';
import { HospitalIndex } from './hospital-index.js';
import { LedgerRepository } from './ledger-repository.js';
import { PlatformMessageRepository } from './platform-message-repository.js';
import type { ScriptedClient } from './redis.js';
import { RegistryRepository } from './registry-repository.js';
import { NO_REPLICA_ACKNOWLEDGEMENT, type ReplicaAcknowledgement } from './replication.js';
import { SettlementRepository } from './settlement-repository.js';
import { SpecialDiseaseStore } from './special-disease-store.js';
import { VOID_CLAIM_SECONDS } from './store-records.js';

export interface Repositories {
  registry: RegistryRepository;
  /** The hospitals by name and code (searches). */
  hospitalIndex: HospitalIndex;
  filings: FilingRepository;
  specialDiseases: SpecialDiseaseStore;
  settlements: SettlementRepository;
  platform: PlatformMessageRepository;
  ledgers: LedgerRepository;
  archive: ArchiveStore;
}

export function openRepositories(
  redis: ScriptedClient,
  /** Writes the service answers for wait for replicas when the deployment has them (replication.ts). */
  replicas: ReplicaAcknowledgement = NO_REPLICA_ACKNOWLEDGEMENT,
  /** How long a voided claim's mark lives (VOID_CLAIM_TTL_SECONDS). */
  voidClaimSeconds = VOID_CLAIM_SECONDS,
  /** Settlement records with the previous release's meta line, day-ledger members of its format (STORE_WRITE_FORMAT=previous). */
  previousStoreFormat = false,
): Repositories {
  const registry = new RegistryRepository(redis, replicas);
  return {
    registry,
    hospitalIndex: new HospitalIndex(redis),
    filings: new FilingRepository(redis, replicas),
    specialDiseases: new SpecialDiseaseStore(redis),
    settlements: new SettlementRepository(redis, replicas, voidClaimSeconds, registry, previousStoreFormat),
    platform: new PlatformMessageRepository(redis, replicas),
    ledgers: new LedgerRepository(redis, replicas, previousStoreFormat),
    archive: new ArchiveStore(redis, previousStoreFormat),
  };
}

export { ArchiveStore, FilingRepository, HospitalIndex, LedgerRepository, PlatformMessageRepository, RegistryRepository, SettlementRepository, SpecialDiseaseStore };
