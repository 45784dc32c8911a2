/**
 * Itemised bills for tests: the demo catalogues' anchor codes, P-PY-1 as a
 * real-looking bill, and `linesFor()` which turns any four amounts into lines
 * whose classification gives exactly those amounts back.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalogue, CatalogueSet } from '../../src/catalogue/catalogue.js';
import { parseCatalogueText } from '../../src/catalogue/loader.js';
import { Decimal, formatMoney, type Money } from '../../src/domain/money.js';
import { ANCHOR, DEMO_BILL, DEMO_CATALOGUES } from '../../scripts/lib/demo-catalogue.js';
import type { SettlementRequest } from '../../src/domain/types.js';
import { settle } from '../../src/engine/settle.js';
import type { EngineOutcome } from '../../src/engine/types.js';
import { parseSettlementRequest } from '../../src/contract/settlement.js';
import { buildAccumulators, buildEnrollee, buildHospital, catalog, type Region } from './engine-fixtures.js';
import { CATALOGUE_DIR } from './worked-examples.js';

export { ANCHOR };

/** The shipped demo catalogues, parsed (tests need them synchronously). */
export const demoCatalogues: CatalogueSet = new Map(
  DEMO_CATALOGUES.map((spec) => {
    const file = path.join(CATALOGUE_DIR, `${spec.id}.csv`);
    return [spec.id, parseCatalogueText(spec.id, file, readFileSync(file, 'utf8'))] as const;
  }),
);

export const CATALOGUE_OF_REGION: Record<string, string> = {
  pingyang: 'zhejiang-2019-demo',
  taiyuan: 'shanxi-2019-demo',
  jinjiang: 'quanzhou-2018-demo',
};

export interface WireLine {
  lineId: string;
  code: string;
  hospitalCode?: string | null;
  name?: string | null;
  quantity: string;
  unitPrice: string;
  amount: string;
  time?: string | null;
}

/** P-PY-1 (total 12345.67, fullSelfPay 300.00, overLimitSelfPay 0.00, preSelfPay 120.00) as a bill (the README's and npm run local's). */
export const PY1_LINES: WireLine[] = DEMO_BILL.map((line) => ({ ...line }));

export interface FourAmounts {
  total: string;
  fullSelfPay?: string;
  overLimitSelfPay?: string;
  preSelfPay?: string;
}

/**
 * Lines whose classification against `catalogue` gives exactly these amounts:
 * 丙 for fullSelfPay, the ward bed above its ceiling for overLimitSelfPay, the
 * 乙 drug at ratio 0.1 (ten times the amount) for preSelfPay, a 甲 operation
 * for the rest. Null when the amounts leave too little for the rest.
 */
export function linesFor(charges: FourAmounts, catalogue: Catalogue, date: string): WireLine[] | null {
  const d = (value: string | undefined) => new Decimal(value ?? '0');
  const [total, full, over, pre] = [d(charges.total), d(charges.fullSelfPay), d(charges.overLimitSelfPay), d(charges.preSelfPay)];
  const ceiling = catalogue.lookup(ANCHOR.wardBed, date)!.priceCeiling!;
  const lines: WireLine[] = [];
  let rest = total;
  const add = (code: string, amount: Money) => {
    lines.push({ lineId: `L${lines.length + 1}`, code, quantity: '1', unitPrice: formatMoney(amount), amount: formatMoney(amount), time: `${date}T10:00:00` });
    rest = rest.minus(amount);
  };
  if (full.gt(0)) add(ANCHOR.specialWard, full);
  if (over.gt(0)) add(ANCHOR.wardBed, ceiling.plus(over));
  if (pre.gt(0)) add(ANCHOR.cefuroxime, pre.times(10));
  if (rest.lt(0)) return null;
  if (rest.gt(0) || lines.length === 0) add(ANCHOR.appendectomy, rest);
  return lines;
}

const REGION_STAY: Record<Region, { year: number; hospitalId: string }> = {
  pingyang: { year: 2019, hospitalId: 'PY-COUNTY' },
  jinjiang: { year: 2018, hospitalId: 'QZ-FIRST' },
  taiyuan: { year: 2019, hospitalId: 'TY-L3' },
};

/** A request of the region (as engine-fixtures' buildRequest) whose charges are these lines. */
export function linesRequest(region: Region, lines: WireLine[], overrides: Record<string, unknown> = {}): SettlementRequest {
  const { year, hospitalId } = REGION_STAY[region];
  return parseSettlementRequest({
    requestId: 'T-LINES',
    card: 'C1',
    hospitalId,
    visitType: 'inpatient',
    admissionDate: `${year}-03-01`,
    dischargeDate: `${year}-03-10`,
    ...overrides,
    charges: { lines },
  });
}

/** The pure engine on a bill of lines, with the demo catalogues (or others). */
export function runLines(region: Region, lines: WireLine[], overrides: Record<string, unknown> = {}, catalogues: CatalogueSet = demoCatalogues): EngineOutcome {
  const request = linesRequest(region, lines, overrides);
  return settle({
    catalog,
    catalogues,
    request,
    hospital: buildHospital(request.hospitalId),
    enrollee: buildEnrollee(region),
    filings: [],
    accumulators: buildAccumulators(),
    accumulatorsYear: Number(request.dischargeDate.slice(0, 4)),
  });
}
