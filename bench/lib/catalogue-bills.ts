/** The 2,000-line bills of bench/catalogue.ts and bench/catalogue-ab.ts: lines over the catalogue's undated entries, priced in whole fen. */
import type { CatalogueEntry } from '../../src/catalogue/row.js';
import { Decimal, round2 } from '../../src/domain/money.js';

export function billLines(usable: readonly Pick<CatalogueEntry, 'code' | 'name'>[], n: number, salt: number) {
  return Array.from({ length: n }, (_, i) => {
    const entry = usable[(i * 7919 + salt) % usable.length]!;
    const quantity = String(1 + (i % 5));
    const unitPrice = `${1 + ((i * 37 + salt) % 400)}.${String((i * 13) % 100).padStart(2, '0')}`;
    const amount = round2(new Decimal(quantity).times(unitPrice)).toFixed(2);
    return { lineId: `F${i}`, code: entry.code, hospitalCode: `H-${i}`, name: entry.name, quantity, unitPrice, amount, time: '2019-03-05T10:00:00' };
  });
}
