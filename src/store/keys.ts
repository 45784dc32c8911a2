/**
 * Redis key layout. Every key of one person carries the hash tag {card}, so a
 * multi-key script only ever touches one cluster slot. Hospitals are global.
 *
 * Settlement and filing ids carry the cluster slot of their person's card, and
 * their id→card index lives under a tag that hashes to that same slot; so the
 * commit script writes the index atomically with the record, and a lookup by
 * id needs no card — yet the id does not reveal the card.
 */
import { randomUUID } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';

export const keys = {
  enrollee: (card: string) => `enrollee:{${card}}`,
  /** Cached copy of the enrollment system's record (with COVERAGE_URL). */
  coverage: (card: string) => `coverage:{${card}}`,
  accumulators: (card: string, year: number) => `acc:{${card}}:${year}`,
  settlement: (card: string, settlementId: string) => `stl:{${card}}:${settlementId}`,
  settlementsOfYear: (card: string, year: number) => `stls:{${card}}:${year}`,
  idempotency: (card: string, hospitalId: string, requestId: string) => `idem:{${card}}:${hospitalId}:${requestId}`,
  filings: (card: string) => `filings:{${card}}`,
  hospital: (hospitalId: string) => `hospital:${hospitalId}`,
  hospitals: () => 'hospitals',
  /** id → card, in the slot of the card (see slotTag). */
  idIndex: (id: string) => {
    const slot = slotOfId(id);
    return slot === null ? null : `idx:{${slotTag(slot)}}:${id}`;
  },
};

const SLOTS = 16384;
let tagsBySlot: string[] | null = null;

/** A short string whose CRC16 slot is `slot` (table built once, ~160k hashes). */
export function slotTag(slot: number): string {
  if (tagsBySlot === null) {
    const table: string[] = new Array(SLOTS);
    let found = 0;
    for (let i = 0; found < SLOTS; i++) {
      const candidate = i.toString(36);
      const s = calculateSlot(candidate);
      if (table[s] === undefined) {
        table[s] = candidate;
        found++;
      }
    }
    tagsBySlot = table;
  }
  return tagsBySlot[slot]!;
}

export function slotOfCard(card: string): number {
  return calculateSlot(card);
}

/** e.g. "S-1a2b-3f1c…": prefix, slot in hex, random part. */
export function newId(prefix: 'S' | 'R', card: string): string {
  const slot = slotOfCard(card).toString(16).padStart(4, '0');
  return `${prefix}-${slot}-${randomUUID().replaceAll('-', '')}`;
}

const ID_PATTERN = /^[SR]-([0-9a-f]{4})-[0-9a-f]{32}$/;

export function slotOfId(id: string): number | null {
  const match = ID_PATTERN.exec(id);
  if (!match) return null;
  const slot = Number.parseInt(match[1]!, 16);
  return slot < SLOTS ? slot : null;
}
