/**
 * Redis key layout. Every key of one person carries the hash tag {card}, so a
 * multi-key script only ever touches one cluster slot. Hospitals are global.
 *
 * Settlement and filing ids carry the cluster slot of their person's card, and
 * their id→card index lives in a hash under a tag that hashes to that same
 * slot; so the commit script writes the index atomically with the record, and
 * a lookup by id needs no card — yet the id does not reveal the card. Day
 * ledgers: the commit writes the entry into its slot's outbox, and compaction
 * moves it into the hospital-day's own keys (ledger-records.ts).
 *
 * Hospital ids and request ids never contain ':' (src/contract/fields.ts), so ':' is a
 * safe separator inside keys and tags.
 */
import { createHash, randomUUID } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';
import { pooledRandomBytes } from '../ops/random-pool.js';

export const keys = {
  enrollee: (card: string) => `enrollee:{${card}}`,
  /** Cached copy of the enrollment system's record (with COVERAGE_URL). */
  coverage: (card: string) => `coverage:{${card}}`,
  /**
   * The person's one hash (a listpack while small): accumulators, year lists,
   * stays, occupancy and idempotency records as fields, one key instead of
   * five. Fields (scripts/include/person.lua): '<hospitalId>:<requestId>'
   * idempotency record; '<year>|<name>' accumulator (short names for the
   * fixed ones, codec/person-hash.ts; '<year>|v' its version);
   * 's|<year>' the year's settlement ids, ' '-joined in commit order;
   * 't|<year>' its listed stays '<discharge day>|<stay member>'; 'o|' the day
   * the occupancy expires, then its members. Only idempotency fields lack '|'.
   */
  person: (card: string) => `person:{${card}}`,
  /** Earlier layout (folded into `person` by the next commit): the year's accumulators. */
  accumulators: (card: string, year: number) => `acc:{${card}}:${year}`,
  /**
   * One settlement's compact record (settlement-record.ts) as a field of
   * `person` (recordField in scripts/include/person.lua: keep the two alike):
   * a listpack entry costs a few bytes where a key of its own cost ~250.
   */
  settlementField: (settlementId: string) => `r|${localSettlementId(settlementId)}`,
  /** Where a record written before ids were local is: under its whole id (records never move). */
  wholeSettlementField: (settlementId: string) => `r|${settlementId}`,
  /** Earlier layout (still read, and written with STORE_WRITE_FORMAT=previous): one settlement's record. */
  settlement: (card: string, settlementId: string) => `stl:{${card}}:${settlementId}`,
  /** Earlier layout: the person's settlement ids of a benefit year, in commit order. */
  settlementsOfYear: (card: string, year: number) => `stls:{${card}}:${year}`,
  /** Earlier layout: inpatient stays of a benefit year by discharge day, for consortium transfers. */
  staysOfYear: (card: string, year: number) => `stays:{${card}}:${year}`,
  /** Earlier layout: the person's settled, unreversed stays (inpatient, childbirth, emergency death) by discharge day: one hospital at a time. */
  occupancy: (card: string) => `occupancy:{${card}}`,
  /** Earlier layout: the person's idempotency records, field `<hospitalId>:<requestId>`. */
  idempotency: (card: string) => `idem:{${card}}`,
  /** A voided claim's mark for one requestId (short-lived: fence-claim-3.lua). */
  voidClaim: (card: string, idempotencyField: string) => `idem-void:{${card}}:${idempotencyField}`,
  /** Every filing of the person by id, active and revoked (the cold read). */
  filings: (card: string) => `filings:{${card}}`,
  /** Active filings as JSON members scored by their validTo day (the hot read). */
  activeFilings: (card: string) => `filings-active:{${card}}`,
  /** Moved by every filing and revocation, checked by the commit. */
  filingsVersion: (card: string) => `filings-version:{${card}}`,
  /** Special-disease filings (门诊慢特病备案): filing id → JSON. */
  specialDiseaseFilings: (card: string) => `sd-filings:{${card}}`,
  /** An encounter registered through the national platform's face (2401). */
  encounter: (card: string, mdtrtId: string) => `enc:{${card}}:${mdtrtId}`,
  /** Its fee lines (2301) and refunds. */
  encounterLines: (card: string, mdtrtId: string) => `enc-lines:{${card}}:${mdtrtId}`,
  /** A token per settlement of the stay (2304/2207) at work: its lines and status hold still meanwhile. Short-lived. */
  staySettling: (card: string, mdtrtId: string) => `enc-settling:{${card}}:${mdtrtId}`,
  /**
   * A national-platform message (msgid) of one hospital: input hash, state and
   * what its undo needs. In the slot of the person it is about (so that a
   * settlement writes it with its commit), or of the hospital (3201, 3202).
   */
  nationalMessage: (scope: MessageScope, hospitalId: string, msgid: string) =>
    'card' in scope ? `hsa-msg:{${scope.card}}:${hospitalId}:${msgid}` : `hsa-msg:{@${hospitalId}}:${msgid}`,
  /**
   * Which person (card, or '@' for the hospital's own messages) a hospital's
   * msgid is about: msgids are one hospital's namespace, whatever person an
   * input names (in the hospital's slot; lives as long as the record).
   */
  messageOwner: (hospitalId: string, msgid: string) => `hsa-msgid:{@${hospitalId}}:${msgid}`,
  /** The hospital-wide claim on a requestId, across persons (in the slot of hospital + requestId). */
  requestClaim: (hospitalId: string, requestId: string) => `req:{${hospitalId}:${requestId}}`,
  /** A slot's day-ledger entries not yet moved into their hospital-day (written by the commit and reversal scripts). */
  ledgerOutbox: (slot: number) => `ledger-outbox:{${slotTag(slot)}}`,
  /** The slots whose outbox may hold entries of one hospital-day: slot → ms of its latest note. */
  ledgerPending: (hospitalId: string, date: string) => `ledger-pending:{${hospitalId}:${date}}`,
  /** A hospital-day's entries, ordered by time (ledger-records.ts). */
  ledgerDay: (hospitalId: string, date: string) => `ledger-day:{${hospitalId}:${date}}`,
  /** A hospital-day's totals and groups in integer fen and counts, kept as entries are moved in. */
  ledgerFigures: (hospitalId: string, date: string) => `ledger-figures:{${hospitalId}:${date}}`,
  /** What repeats within a hospital-day's entries, kept once (a list the compaction appends to; domain/ledger.ts). */
  ledgerNames: (hospitalId: string, date: string) => `ledger-names:{${hospitalId}:${date}}`,
  /** Earlier layout, still read and moved into the hospital-day: one slot's entries of a hospital-day. */
  ledger: (slot: number, hospitalId: string, date: string) => `ledger:{${slotTag(slot)}}:${hospitalId}:${date}`,
  /** Earlier layout: the slots holding entries of one hospital-day. */
  ledgerSlots: (hospitalId: string, date: string) => `ledger-slots:{${hospitalId}:${date}}`,
  /** Reconciliation runs of one hospital-day, oldest first (a bounded list with a life). */
  reconciliationRuns: (hospitalId: string, date: string) => `recon-runs:{recon:${hospitalId}}:${date}`,
  /** How many runs the hospital-day ever had (the list keeps the newest). */
  reconciliationCount: (hospitalId: string, date: string) => `recon-count:{recon:${hospitalId}}:${date}`,
  /** The hospital's days with kept runs, scored by their last run (the oldest are dropped past a count). */
  reconciliationDays: (hospitalId: string) => `recon-days:{recon:${hospitalId}}`,
  /** Archived benefit years: year → archive state (store/archive-store.ts). */
  archives: () => 'archives',
  /** The lease of the archive run working on a year (one run at a time). */
  archiveLease: (year: number) => `archive-lease:{${year}}`,
  /**
   * One bucket of an archived year's settlement ids that carry the year (their
   * index entries are gone): 24-char records '<slot hex><random>', appended
   * by the archive before it removes anything (archive-store.ts).
   */
  archivedIds: (year: number, bucket: number) => `archived-ids:${year}:${bucket}`,
  /** A hospital-day's figures of archived benefit years: year → figures from the archive's manifest. */
  archivedDay: (hospitalId: string, date: string) => `ledger-archived:{${hospitalId}:${date}}`,
  hospital: (hospitalId: string) => `hospital:${hospitalId}`,
  /** National facility code (fixmedins_code) → hospitalId. */
  hospitalByCode: (fixmedinsCode: string) => `hospital-code:${fixmedinsCode}`,
  hospitals: () => 'hospitals',
  /** hospitalId → hospital JSON of every registry hospital, and field "~v" moved by every write: the search's copy (hospital-index.ts). */
  hospitalIndex: () => 'hospital-index',
  /** id → card of every settlement and filing whose card hashes to `slot`. */
  idIndex: (slot: number) => `idx:{${slotTag(slot)}}`,
};

/** Whose slot a platform message lives in: the person's, or the hospital's (cards never hold '@'). */
export type MessageScope = { card: string } | { hospital: true };

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

/**
 * Ids: prefix, the card's slot in 4 hex, then the rest. Random ids were 32
 * hex (a UUID's 122 bits); a settlement's is now its benefit year in two
 * digits and 13 base32 chars (65 random bits from the CSPRNG, ops/random-pool.ts), 22
 * chars in all, stored ~7 times per settlement (29 chars with 20 base32
 * before 2026-12-03: still read). Only ids of one slot and year can meet:
 * 60 M settlements a province-year give ~3,700 a slot-year, n²/2^66 ≈ 2e-13
 * a slot-year, and the commit refuses an id its slot's index holds already
 * (the service names the settlement anew), so a collision costs a retry,
 * never a record. The year lets the archive drop the id's index entry
 * (archive-store.ts). Ids derived from a message or an import keep the
 * 32-hex form: a re-run must name the same record.
 */
export function newId(prefix: 'S' | 'R' | 'M' | 'D', card: string, digest?: string): string {
  return `${prefix}-${slotHex(card)}-${digest ?? randomUUID().replaceAll('-', '')}`;
}

/** A new settlement's id: "S-1a2b-19" + 13 base32 chars, for benefit years 2000–2099 (else the 32-hex form). */
export function newSettlementId(card: string, benefitYear: number): string {
  if (!Number.isInteger(benefitYear) || benefitYear < 2000 || benefitYear > 2099) return newId('S', card);
  return `S-${slotHex(card)}-${String(benefitYear - 2000).padStart(2, '0')}${base32(pooledRandomBytes(9), 13)}`;
}

/** The same shape as newId, but derived from `material` (a bulk import's row), so a re-run names the same record. */
export function derivedId(prefix: 'S' | 'R', card: string, material: string): string {
  return `${prefix}-${slotHex(card)}-${createHash('sha256').update(material).digest('hex').slice(0, 32)}`;
}

/**
 * A settlement id as the person's own hash keeps it: without 'S-<slot hex>-',
 * which every id there shares, its card's slot (include/person.lua localId:
 * keep the two alike). 7 bytes less in each of its ~5 places in the hash. Ids
 * written whole before stay whole; either form names the same settlement.
 */
export function localSettlementId(settlementId: string): string {
  return SETTLEMENT_ID_PATTERN.test(settlementId) ? settlementId.slice(7) : settlementId;
}

/** A settlement id as read from the person's hash of `card`, made whole again (a whole one as it is). */
export function settlementIdOfCard(card: string, stored: string): string {
  return LOCAL_SETTLEMENT_ID.test(stored) ? `S-${slotHex(card)}-${stored}` : stored;
}

const slotHex = (card: string) => slotOfCard(card).toString(16).padStart(4, '0');

/** Crockford's lowercase base32: no i, l, o, u to misread. */
export const ID_BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      bits -= 5;
      out += ID_BASE32[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** The part after the slot: 32 hex (random before, or derived), or year digits + 13 base32 (a new settlement id; 20 until 2026-12-03). */
export const ID_TAIL = '(?:[0-9a-f]{32}|[0-9]{2}(?:[0-9a-hjkmnp-tv-z]{13}|[0-9a-hjkmnp-tv-z]{20}))';
/** A settlement id of either form (the national face's setl_id, tests). */
export const SETTLEMENT_ID_PATTERN = new RegExp(`^S-[0-9a-f]{4}-${ID_TAIL}$`);
/** What follows 'S-<slot>-' (the form the person's hash keeps: localSettlementId). */
const LOCAL_SETTLEMENT_ID = new RegExp(`^${ID_TAIL}$`);
const ID_PATTERN = new RegExp(`^[SRM]-([0-9a-f]{4})-${ID_TAIL}$`);

export function slotOfId(id: string): number | null {
  const match = ID_PATTERN.exec(id);
  if (!match) return null;
  const slot = Number.parseInt(match[1]!, 16);
  return slot < SLOTS ? slot : null;
}

/** The benefit year a new settlement id carries, or null (an older or derived id: its index entry keeps a mark once archived). */
export function yearOfId(id: string): number | null {
  if ((id.length !== 22 && id.length !== 29) || !SETTLEMENT_ID_PATTERN.test(id)) return null;
  return 2000 + Number(id.slice(7, 9));
}
