/**
 * Generated registry files (CSV with Chinese headers) for the import tests
 * and npm run bench:import, with the record each row must become.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Enrollee } from '../../src/domain/types.js';

export const ENROLLEE_HEADER = '社会保障卡号,统筹区,性别,出生日期,参保开始,参保结束,人员类别,特殊病种,生育保险';
const REGIONS = [
  ['平阳县', 'pingyang'],
  ['晋江市', 'jinjiang'],
  ['太原市', 'taiyuan'],
] as const;

export function enrolleeCard(i: number): string {
  return `33032619${String(i).padStart(10, '0')}`;
}

/** Row i of a generated file; a bad row (every `badEvery`-th) has an impossible birth date. */
export function enrolleeLine(i: number, bad = false): string {
  const [regionName] = REGIONS[i % 3]!;
  const birth = bad ? '1990-02-30' : `19${String(50 + (i % 50))}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
  const categories = i % 10 === 0 ? '低保、建档立卡' : '';
  const diseases = i % 7 === 0 ? 'diabetes;sle' : '';
  return `${enrolleeCard(i)},${regionName},${i % 2 === 0 ? '女' : '男'},${birth},2019-01-01,2019-12-31,${categories},${diseases},${i % 5 === 0 ? '是' : '否'}`;
}

/** The record row i must be stored as (as PUT /v1/enrollees/{card} would store it). */
export function expectedEnrollee(i: number): Enrollee {
  return {
    card: enrolleeCard(i),
    region: REGIONS[i % 3]![1],
    sex: i % 2 === 0 ? 'F' : 'M',
    birthDate: `19${String(50 + (i % 50))}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
    categories: i % 10 === 0 ? ['low-income-assistance', 'registered-poor'] : [],
    specialDiseases: i % 7 === 0 ? ['diabetes', 'sle'] : [],
    maternityInsured: i % 5 === 0,
  };
}

/** Writes `rows` enrollee rows (row i on line i + 2); every `badEvery`-th row (if set) is bad. Answers the bad rows' indexes. */
export async function writeEnrolleeCsv(file: string, rows: number, badEvery = 0): Promise<number[]> {
  const out = createWriteStream(file);
  const bad: number[] = [];
  let chunk = `${ENROLLEE_HEADER}\n`;
  for (let i = 0; i < rows; i++) {
    const isBad = badEvery > 0 && i % badEvery === badEvery - 1;
    if (isBad) bad.push(i);
    chunk += `${enrolleeLine(i, isBad)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return bad;
}
