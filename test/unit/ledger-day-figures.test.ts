/**
 * The hospital-day's kept figures: what each entry adds (integer fen and
 * counts, summed as HINCRBY would) reads back as exactly the totals and groups
 * the day's entries sum to; an entry taken off again (archive) leaves the
 * others' figures; a day entry reads back as the entry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayFigureDeltas,
  dayMemberOf,
  dayNamesOf,
  dayScoreOf,
  fromDayMember,
  fromStoredLedgerEntry,
  toDayMemberDraft,
  toFirstDayMember,
  toStoredLedgerEntry,
  type LedgerEntry,
} from '../../src/domain/ledger.js';
import { businessDayOf } from '../../src/domain/dates.js';
import { textOfFen } from '../../src/domain/money.js';
import { dayFigures, figuresOfHash } from '../../src/service/day-figures.js';
import type { DayFigures } from '../../src/service/statement-types.js';

/** The figures hash after HINCRBY of each entry's deltas. */
function kept(entries: readonly LedgerEntry[], taken: readonly LedgerEntry[] = []): Record<string, string> {
  const hash = new Map<string, bigint>();
  const apply = (fields: string[]) => {
    for (let i = 0; i < fields.length; i += 2) hash.set(fields[i]!, (hash.get(fields[i]!) ?? 0n) + BigInt(fields[i + 1]!));
  };
  for (const entry of entries) apply(dayFigureDeltas(entry));
  for (const entry of taken) apply(dayFigureDeltas(entry, -1n));
  return Object.fromEntries([...hash].map(([field, value]) => [field, String(value)]));
}

const fen = fc.integer({ min: 0, max: 5_000_000 }).map(BigInt);
const entryArb = fc
  .record({
    kind: fc.constantFrom('settlement' as const, 'reversal' as const),
    n: fc.integer({ min: 0, max: 0xffff }),
    ms: fc.integer({ min: Date.parse('2026-04-01T00:00:00Z'), max: Date.parse('2026-04-01T15:59:59Z') }),
    policyId: fc.constantFrom('pingyang-2019', 'jinjiang-2018', 'pingyang-2026'),
    visitType: fc.constantFrom('inpatient', 'outpatient', 'childbirth', 'chronic'),
    basic: fen,
    criticalIllness: fc.option(fen, { nil: undefined }),
    hardship: fc.option(fen, { nil: undefined }),
    patient: fen,
    reason: fc.option(fc.constantFrom('重复结算', 'wrong card'), { nil: null }),
  })
  .map(({ kind, n, ms, policyId, visitType, basic, criticalIllness, hardship, patient, reason }): LedgerEntry => {
    const sign = kind === 'settlement' ? 1n : -1n;
    const funds: Record<string, string> = { basic: textOfFen(sign * basic) };
    if (criticalIllness !== undefined) funds.criticalIllness = textOfFen(sign * criticalIllness);
    if (hardship !== undefined) funds.hardship = textOfFen(sign * hardship);
    const fundTotal = basic + (criticalIllness ?? 0n) + (hardship ?? 0n);
    const at = new Date(ms).toISOString();
    return {
      kind,
      settlementId: `S-2a79-${n.toString(16).padStart(32, '0')}`,
      requestId: `HIS-${n}`,
      hospitalId: 'PY-TOWN',
      card: '330326198001010001',
      at,
      date: businessDayOf(at),
      policyId,
      benefitYear: 2026,
      visitType,
      total: textOfFen(sign * (fundTotal + patient)),
      fundTotal: textOfFen(sign * fundTotal),
      patientTotal: textOfFen(sign * patient),
      funds,
      operator: n % 3 === 0 ? { id: null, name: null, keyId: null } : { id: `01${n % 5}`, name: n % 7 === 0 ? null : ['张三', '李四'][n % 2]!, keyId: 'billing-PY-TOWN' },
      reason: kind === 'reversal' ? reason : null,
    };
  });

describe("a hospital-day's kept figures", () => {
  it('are the totals and groups its entries sum to, to the fen', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 60 }), (entries) => {
        expect(figuresOfHash(kept(entries))).toEqual(dayFigures(entries));
      }),
      { numRuns: 300 },
    );
  });

  it('an empty day has zero totals and no groups, as a statement of no entries', () => {
    expect(figuresOfHash({})).toEqual(dayFigures([]));
  });

  // A fund the archived entries alone had stays listed at 0.00 (a statement of a day with archived years sums its live entries instead).
  it('entries taken off (archived) leave the figures of the others, to the fen', () => {
    const withoutZeroFunds = (figures: DayFigures) => {
      const strip = <T extends { funds: Record<string, string> }>(sums: T): T => ({
        ...sums,
        funds: Object.fromEntries(Object.entries(sums.funds).filter(([, v]) => v !== '0.00')),
      });
      return { totals: strip(figures.totals), groups: figures.groups.map(strip) };
    };
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 40 }), (entries, cut) => {
        const kept_ = entries.slice(0, cut % entries.length);
        const taken = entries.slice(cut % entries.length);
        expect(withoutZeroFunds(figuresOfHash(kept(entries, taken)))).toEqual(withoutZeroFunds(dayFigures(kept_)));
      }),
      { numRuns: 100 },
    );
  });
});

/** The day's members as compaction writes them, and the names they refer to (as the list holds them). */
function compacted(entries: readonly LedgerEntry[], bound?: number): { members: string[]; names: string[] } {
  const names: string[] = [];
  return { members: entries.map((entry) => dayMemberOf(toDayMemberDraft(entry), names, bound)), names };
}

const byStatement = (a: LedgerEntry, b: LedgerEntry) =>
  a.at < b.at ? -1 : a.at > b.at ? 1 : a.settlementId < b.settlementId ? -1 : a.settlementId > b.settlementId ? 1 : a.kind === 'settlement' ? -1 : 1;

describe('a day entry (member of the ordered set)', () => {
  it('reads back as the entry, in either format, one day holding both, and sorts as a statement lists entries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(entryArb, fc.boolean()), { maxLength: 30 }), fc.constantFrom(0, 2, 256), (drawn, bound) => {
        // Entries compacted before the names (first format) and after, in one day; a bound of 0 or 2 writes names inline.
        const names: string[] = [];
        const members = drawn.map(([entry, legacy]) => (legacy ? toFirstDayMember(entry) : dayMemberOf(toDayMemberDraft(entry), names, bound)));
        expect(names.length).toBeLessThanOrEqual(bound);
        // A move repeated after a crash makes the same member again (ZADD NX then adds nothing), and no name.
        const again = [...names];
        drawn.forEach(([entry, legacy], i) => {
          if (!legacy) expect(dayMemberOf(toDayMemberDraft(entry), again, bound)).toBe(members[i]);
        });
        expect(again).toEqual(names);
        const parsed = dayNamesOf(names);
        drawn.forEach(([entry], i) => {
          expect(fromDayMember(members[i]!, dayScoreOf(entry), entry.hospitalId, parsed)).toEqual(fromStoredLedgerEntry(toStoredLedgerEntry(entry)));
        });
        // Redis orders by score, then member bytes.
        const order = drawn.map(([entry], i) => ({ entry, member: members[i]! }));
        order.sort((a, b) => dayScoreOf(a.entry) - dayScoreOf(b.entry) || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
        const expected = drawn.map(([entry]) => entry).sort(byStatement);
        expect(order.map(({ entry: e }) => `${e.settlementId} ${e.kind} ${e.at}`)).toEqual(expected.map((e) => `${e.settlementId} ${e.kind} ${e.at}`));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps what repeats within the day once: entries of one plan and operator add no names after the first', () => {
    const entries = fc.sample(entryArb, { numRuns: 40, seed: 7 });
    const alike = entries.map((entry) => ({
      ...entry,
      policyId: entries[0]!.policyId,
      visitType: entries[0]!.visitType,
      funds: entries[0]!.funds,
      fundTotal: entries[0]!.fundTotal,
      operator: entries[0]!.operator,
    }));
    expect(compacted(alike).names).toEqual(compacted(alike.slice(0, 1)).names);
    const { members, names } = compacted(entries);
    expect(new Set(names).size).toBe(names.length);
    const bytes = (texts: string[]) => texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    expect(bytes(members) + bytes(names)).toBeLessThan(bytes(entries.map(toFirstDayMember)));
  });

  it('keeps an amount as text when integer fen would not give it back exactly, and a fund total that is not the sum of the funds', () => {
    const entry = fromStoredLedgerEntry(
      JSON.stringify(['S', 'S-2a79-0', 'r', 'H', 'c', '2026-04-01T00:00:00.000Z', 'p', 2026, 'outpatient', '100', '-0.50', ['100', '-0.5'], null]),
    );
    const { members, names } = compacted([entry]);
    const read = fromDayMember(members[0]!, dayScoreOf(entry), 'H', dayNamesOf(names));
    expect([read.total, read.fundTotal, read.funds]).toEqual(['100', '-0.50', { basic: '100', criticalIllness: '-0.5' }]);
    expect(members[0]).toBe('S-2a79-0|0"r","c",0,"100",["100","-0.5"],null,-50');
    expect(names).toEqual(['["p",2026,"outpatient",2]']);
    const odd = { ...entry, total: '9.00', fundTotal: '5.00', funds: { basic: '4.00' } };
    expect(fromDayMember(compacted([odd]).members[0]!, dayScoreOf(odd), 'H', dayNamesOf(compacted([odd]).names)).fundTotal).toBe('5.00');
  });

  it('keeps a time the score does not give back exactly', () => {
    const entry = fromStoredLedgerEntry(JSON.stringify(['S', 'S-2a79-0', 'r', 'H', 'c', '2026-04-01T08:00:00+08:00', 'p', 2026, 'outpatient', '1.00', '1.00', ['1.00'], null]));
    const { members, names } = compacted([entry]);
    expect(fromDayMember(members[0]!, dayScoreOf(entry), 'H', dayNamesOf(names)).at).toBe('2026-04-01T08:00:00+08:00');
    expect(fromDayMember(toFirstDayMember(entry), dayScoreOf(entry), 'H').at).toBe('2026-04-01T08:00:00+08:00');
  });
});
