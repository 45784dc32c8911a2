/**
 * Which benefit years are archived (or being archived), as the settlement
 * use-cases need to know it on every settlement: read from Redis at most every
 * few seconds per process, not per request. The archive (service/archive.ts)
 * waits longer than that after marking a year before it reads it.
 */
import { ArchivedError } from '../domain/errors.js';
import type { ArchiveState, ArchiveStore } from '../store/archive-store.js';
import { slotOfId } from '../store/keys.js';

/** How stale the cached marks may be; the archive's default grace is longer. */
export const ARCHIVED_YEARS_TTL_MS = 5_000;

export class ArchivedYears {
  private states: Map<number, ArchiveState> | null = null;
  private loadedAt = 0;
  private loading: Promise<Map<number, ArchiveState>> | null = null;

  constructor(
    private readonly store: Pick<ArchiveStore, 'archiveStates' | 'archivedSettlement'>,
    private readonly nowMs: () => number = Date.now,
    private readonly ttlMs = ARCHIVED_YEARS_TTL_MS,
  ) {}

  private async current(): Promise<Map<number, ArchiveState>> {
    if (this.states && this.nowMs() - this.loadedAt < this.ttlMs) return this.states;
    this.loading ??= this.store
      .archiveStates()
      .then((states) => {
        this.states = states;
        this.loadedAt = this.nowMs();
        return states;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /** Refuses to settle, preview or reverse into a year that is archived or being archived. */
  async assertOpen(year: number, what: string): Promise<void> {
    const state = (await this.current()).get(year);
    if (state) {
      throw new ArchivedError(
        `benefit year ${year} is closed and ${state.state === 'archived' ? 'archived' : 'being archived'} to ${state.archive}: ${what} refused`,
        state.archive,
      );
    }
  }

  /** A year whose records have left (or are leaving) Redis: its lists answer ARCHIVED. */
  async assertListed(year: number): Promise<void> {
    const state = (await this.current()).get(year);
    if (state && state.state !== 'archiving') {
      throw new ArchivedError(`benefit year ${year} was moved to archive ${state.archive}`, state.archive);
    }
  }

  /** A settlement removed by an archive (in its year's id set, or an older id's index mark): ARCHIVED naming it; otherwise `notFound`. */
  async explainMissing(settlementId: string, notFound: Error): Promise<Error> {
    const slot = slotOfId(settlementId);
    const archived = slot === null ? null : await this.store.archivedSettlement(settlementId, slot);
    return archived ? new ArchivedError(`settlement ${settlementId} (benefit year ${archived.year}) was moved to archive ${archived.archive}`, archived.archive) : notFound;
  }
}
