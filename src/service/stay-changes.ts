/**
 * Changes of a stay that are allowed only while it is not settled (2301,
 * 2302, 2205, 2203, 2404, 2405): the check is made by the script that makes
 * the change, in the person's slot, so no settlement can come between the
 * check and the act (on a cluster too). A settlement of the stay through the
 * platform (2304, 2207) holds the stay while it reads its lines and commits,
 * and the changes refuse meanwhile. A stay whose settlement was moved to an
 * archive, or whose benefit year is archived, changes no more.
 */
import { randomUUID } from 'node:crypto';
import { yearOf } from '../domain/dates.js';
import { stayRequestId, type Encounter, type EncounterFeeLine } from '../domain/encounter.js';
import { ConflictError } from '../domain/errors.js';
import type { StayExpectation } from '../store/platform-message-repository.js';
import type { StayRefusal } from '../store/script-results.js';
import type { Repositories } from '../store/repositories.js';
import { idempotencyField } from './request-claims.js';
import type { SettlementService } from './settlements.js';

/** A hold outlives any settlement of a stay; a holder that died frees the stay after it. */
export const STAY_HOLD_MS = 60_000;

/** How often a change is tried again when the stay moved between its read and its script. */
const ATTEMPTS = 5;

/** A settlement's hold on a stay: released once its commit (or its holder) took the token out. */
export interface StayHold {
  mdtrtId: string;
  token: string;
  released: boolean;
}

/** What the hold read of the stay. */
export interface HeldStay {
  encounter: Encounter;
  lines: EncounterFeeLine[];
  /** The asking message's record, when one was asked for and exists. */
  message: string | null;
}

export type StayChange<T> = (found: { encounter: Encounter; raw: string }, expect: StayExpectation) => Promise<T | StayRefusal>;

function isRefusal(value: unknown): value is StayRefusal {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'stay';
}

export class StayChanges {
  constructor(
    private readonly repos: Pick<Repositories, 'platform' | 'settlements'>,
    private readonly settlements: SettlementService,
  ) {}

  /** Reads the stay, checks it is unsettled, and makes the change, whose script checks it again. */
  async unsettled<T>(read: () => Promise<{ encounter: Encounter; raw: string }>, change: StayChange<T>): Promise<T> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const found = await read();
      const { encounter } = found;
      const expect = await this.repos.platform.stayExpectation(encounter, idempotencyField({ hospitalId: encounter.hospitalId, requestId: stayRequestId(encounter) }));
      // Refused early (before any classification) when the read already shows it settled.
      if (expect.settlementId !== null) {
        const stored = await this.repos.settlements.getSettlementOf(encounter.card, expect.settlementId);
        if (stored === null) await this.archived(encounter, expect.settlementId);
        else if (stored.status === 'settled') throw this.settled(encounter, expect.settlementId);
      }
      const day = encounter.dischargedAt ?? (encounter.visitType === 'outpatient' || encounter.visitType === 'special-outpatient' ? encounter.admittedAt : null);
      if (day !== null) await this.settlements.assertYearOpen(yearOf(day.slice(0, 10)), `a change of encounter ${encounter.mdtrtId}`);
      const outcome = await change(found, expect);
      if (!isRefusal(outcome)) return outcome;
      if (outcome.state === 'moved') continue;
      if (outcome.state === 'settling') {
        throw new ConflictError('IDEMPOTENCY_CONFLICT', `encounter ${encounter.mdtrtId} is being settled: retry once the settlement has answered`);
      }
      if (outcome.state === 'archived') await this.archived(encounter, expect.settlementId!);
      throw this.settled(encounter, expect.settlementId);
    }
    throw new ConflictError('IDEMPOTENCY_CONFLICT', 'the encounter kept changing; retry');
  }

  /**
   * Runs a settlement of the stay while its lines and status hold still: the
   * hold is taken with the read of the stay (and of the asking message's
   * record), in one call. A commit given the hold takes it out (and `work`
   * marks it released); any other end takes it out here, else it expires.
   */
  async holding<T>(
    card: string,
    mdtrtId: string,
    message: { hospitalId: string; msgid: string } | undefined,
    work: (found: HeldStay | null, hold: StayHold) => Promise<T>,
  ): Promise<T> {
    const hold: StayHold = { mdtrtId, token: randomUUID(), released: false };
    const found = await this.repos.platform.holdStay(card, mdtrtId, hold.token, STAY_HOLD_MS, message);
    if (found === null) hold.released = true; // no such stay: nothing was held
    try {
      return await work(found, hold);
    } finally {
      if (!hold.released) await this.repos.platform.releaseStay(card, mdtrtId, hold.token).catch(() => undefined); // else it expires
    }
  }

  private settled(encounter: Encounter, settlementId: string | null): ConflictError {
    return new ConflictError('IDEMPOTENCY_CONFLICT', `encounter ${encounter.mdtrtId} is settled (${settlementId}): reverse the settlement (2305) first`);
  }

  /** The stay's settlement is gone from Redis: ARCHIVED naming its archive (else it is settled as far as anyone knows). */
  private async archived(encounter: Encounter, settlementId: string): Promise<never> {
    await this.settlements.get(settlementId); // throws ARCHIVED (or NOT_FOUND)
    throw this.settled(encounter, settlementId);
  }
}
