/**
 * A policy's rules indexed once for the engine's hot path: the layers of each
 * visit type, the adjustments of each fund parameter, and per table the facts
 * its rows are keyed by, with a memo of the rows already found. The policy is
 * immutable once parsed, so the compiled form is kept per policy object (a
 * reload that keeps a file's sha256 keeps its policy object, and so this).
 * Pure data: no I/O, clock or randomness; the memo only remembers results.
 */
import type { Money } from '../domain/money.js';
import { VISIT_TYPES, type Fund } from '../domain/types.js';
import type { Adjustment, Dimension, Layer, PaymentRule, Policy, Table } from './schema.js';
import { isChoice, optionsOf } from './schema.js';

export interface CompiledLayer {
  layer: Layer;
  options: readonly PaymentRule[];
  choose: 'largest' | 'most-favourable' | 'first' | null;
  /** For each option: whether no earlier option pays the same fund (its zero line is reported). */
  firstOfFund: readonly boolean[];
}

/** What a table lookup found for one set of key facts (remembered; "not covered" included). */
export interface TableHit {
  /** null: not covered (no row and no default, or "not-covered"). */
  value: Money | null;
  text: string | undefined;
  cite: string;
  decision: string | undefined;
  label: string;
  keyText: string;
  /** The assumed path to record, when the row or table is assumed. */
  assumedPath: string | null;
}

export interface CompiledTable {
  table: Table;
  /** Every fact the rows or the label read, in a fixed order: the memo key. */
  keyDims: readonly string[];
  /** Rows have effective dates: the attribution date is part of the key. */
  dated: boolean;
  memo: Map<string, TableHit>;
}

export interface CompiledPolicy {
  layers: ReadonlyMap<string, readonly CompiledLayer[]>;
  /** fund → parameter → adjustments in file order. */
  adjustments: ReadonlyMap<string, ReadonlyMap<string, readonly Adjustment[]>>;
  dimensions: readonly (readonly [string, Dimension])[];
  tables: ReadonlyMap<string, CompiledTable>;
}

/** Bounds each table's memo; a lookup past it is computed each time, with the same result. */
export const TABLE_MEMO_LIMIT = 4096;
const NO_ADJUSTMENTS: readonly Adjustment[] = [];
const COMPILED = new WeakMap<Policy, CompiledPolicy>();

/** The compiled form of a policy, built on first use (the loader builds it at load). */
export function compiledOf(policy: Policy): CompiledPolicy {
  let compiled = COMPILED.get(policy);
  if (compiled === undefined) {
    compiled = compilePolicy(policy);
    COMPILED.set(policy, compiled);
  }
  return compiled;
}

/** The adjustments of `fund.param`, in file order (empty when none). */
export function adjustmentsOf(compiled: CompiledPolicy, fund: Fund, param: string): readonly Adjustment[] {
  return compiled.adjustments.get(fund)?.get(param) ?? NO_ADJUSTMENTS;
}

function compilePolicy(policy: Policy): CompiledPolicy {
  const layers = new Map<string, CompiledLayer[]>();
  for (const visitType of VISIT_TYPES) {
    const list: CompiledLayer[] = [];
    for (const layer of policy.layers) {
      if (layer.visitTypes && !(layer.visitTypes as string[]).includes(visitType)) continue;
      const options = optionsOf(layer);
      list.push({
        layer,
        options,
        choose: isChoice(layer) ? layer.choose : null,
        firstOfFund: options.map((rule, i) => options.findIndex((other) => other.fund === rule.fund) === i),
      });
    }
    layers.set(visitType, list);
  }

  const adjustments = new Map<string, Map<string, Adjustment[]>>();
  for (const a of policy.adjustments) {
    const dot = a.target.indexOf('.');
    const fund = a.target.slice(0, dot);
    const param = a.target.slice(dot + 1);
    let byParam = adjustments.get(fund);
    if (!byParam) adjustments.set(fund, (byParam = new Map()));
    const list = byParam.get(param) ?? [];
    list.push(a);
    byParam.set(param, list);
  }

  const tables = new Map<string, CompiledTable>();
  for (const [name, table] of Object.entries(policy.tables)) {
    const keyDims = new Set<string>(table.by);
    let dated = false;
    for (const row of table.rows) {
      for (const dim in row.key) keyDims.add(dim);
      if (row.from !== undefined || row.to !== undefined) dated = true;
    }
    tables.set(name, { table, keyDims: [...keyDims], dated, memo: new Map() });
  }

  return { layers, adjustments, dimensions: Object.entries(policy.dimensions), tables };
}
