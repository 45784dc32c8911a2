/**
 * The compiled policy's table memo answers as a fresh lookup would: a row that
 * takes effect inside the year is found by date even after the same key facts
 * were looked up on another date, and a refusal or an assumed value is
 * reported on every settlement, not only on the first.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Enrollee, Hospital, SettlementRequest } from '../../src/domain/types.js';
import { lookup, type Facts } from '../../src/engine/facts.js';
import { Refused } from '../../src/engine/explanation.js';
import { parsePolicyFile } from '../../src/policy/loader.js';
import { compiledOf } from '../../src/policy/compiled.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const file = path.join(ROOT, 'test/fixtures/policies/vocab-2024.yaml');
const load = () => parsePolicyFile(file, readFileSync(file, 'utf8')).policy;

function facts(policy: Facts['policy'], date: string, dims: Record<string, string>): Facts {
  return {
    policy,
    request: {} as SettlementRequest,
    hospital: { level: 1, kind: 'general', admdvs: '441702' } as Hospital,
    enrollee: {} as Enrollee,
    inArea: true,
    filing: null,
    date,
    dims,
    dimLabels: [],
    assumed: [],
  };
}

describe('compiled policy tables', () => {
  it('a dated row is found by date, whatever was looked up before', () => {
    const policy = load();
    const key = { level: '1', location: 'in-city' };
    const seen = ['2024-06-30', '2024-07-01', '2024-06-30', '2024-12-31'].map((date) => lookup(facts(policy, date, key), { table: 'rate' }, 'x'));
    expect(seen.map((l) => l.value.toString())).toEqual(['0.9', '0.92', '0.9', '0.92']);
    expect(seen.map((l) => l.cite)).toEqual(['表1·一级·市内', '补充通知第一条', '表1·一级·市内', '补充通知第一条'].map((c) => expect.stringContaining(c)));
    // The same answers as a policy never looked up before.
    const fresh = lookup(facts(load(), '2024-07-01', key), { table: 'rate' }, 'x');
    expect(fresh).toEqual(seen[1]);
    expect(compiledOf(policy).tables.get('rate')!.dated).toBe(true);
  });

  it('a remembered row still reports its assumed value and refuses what is not covered, each time', () => {
    const policy = load();
    for (const name of Object.keys(policy.tables)) {
      const table = policy.tables[name]!;
      const dims = Object.fromEntries(table.by.map((dim) => [dim, table.rows[0]?.key[dim]?.toString() ?? 'none']));
      const outcomes = [0, 1].map(() => {
        const f = facts(policy, '2024-03-01', dims);
        try {
          const looked = lookup(f, { table: name }, 'x');
          return { value: looked.value.toString(), label: looked.label, assumed: f.assumed };
        } catch (error) {
          expect(error).toBeInstanceOf(Refused);
          return { refused: (error as Error).message };
        }
      });
      expect(outcomes[1]).toEqual(outcomes[0]);
    }
  });
});
