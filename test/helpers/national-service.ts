/**
 * The service the national face's tests share (test/integration/national*.test.ts):
 * the worked registry, the hospitals with their national codes, and the persons
 * and stays of each region.
 */
import { writeFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { demoCatalogues, linesFor, PY1_LINES, type WireLine } from './fee-lines.js';
import { transcript } from './hsa.js';
import { jinjiangEnrollee, pingyangEnrollee } from './load-support.js';
import { startTestService, type TestService } from './service.js';

export const CODES: Record<string, string> = {
  'PY-COUNTY': 'H33032600001',
  'QZ-FIRST': 'H35050200001',
  'TY-L3': 'H14010600001',
  'WZ-CITY': 'H33030400001',
  'JJ-CITY': 'H35058200001',
};
/** Persons of config/demo/enrollees.json (npm run local), one per region's stay. */
export const LOCAL_CARDS: Record<string, string> = { 'PY-COUNTY': '330326198001010001', 'QZ-FIRST': '350582198001010001', 'TY-L3': '140105198001010001' };
export const taiyuanEnrollee = () => ({
  region: 'taiyuan',
  sex: 'M',
  birthDate: '1970-01-01',
  coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  categories: [],
  specialDiseases: [],
});

/** The test service with the worked registry, its hospitals carrying their national codes. */
export async function startNationalService(): Promise<TestService> {
  const t = await startTestService();
  await t.loadWorkedRegistry();
  // The registry's hospitals gain their national codes.
  for (const [id, code] of Object.entries(CODES)) await t.giveNationalCode(id, code);
  return t;
}

/** With HSA_TRANSCRIPT=<file>.json, this test file's messages go to <file>.<part>.json (scripts/national-exchange.ts reads the parts). */
export function recordTranscript(part: string): void {
  afterAll(() => {
    const file = process.env.HSA_TRANSCRIPT;
    if (file) writeFileSync(transcriptPart(file, part), JSON.stringify(transcript));
  });
}

export function transcriptPart(file: string, part: string): string {
  return file.replace(/(\.json)?$/, `.${part}.json`);
}

export interface Region {
  name: string;
  hospitalId: string;
  enrollee: () => Record<string, unknown>;
  admission: string;
  discharge: string;
  lines: WireLine[];
  expectedBasic?: string;
}

export const REGIONS: Region[] = [
  { name: 'pingyang (P-PY-1)', hospitalId: 'PY-COUNTY', enrollee: pingyangEnrollee, admission: '2019-03-01', discharge: '2019-03-10', lines: PY1_LINES, expectedBasic: '7717.97' },
  {
    name: 'jinjiang (P-JJ-1)',
    hospitalId: 'QZ-FIRST',
    enrollee: jinjiangEnrollee,
    admission: '2018-02-01',
    discharge: '2018-02-10',
    lines: linesFor({ total: '20000.00', fullSelfPay: '1000.00' }, demoCatalogues.get('quanzhou-2018-demo')!, '2018-02-05')!,
  },
  {
    name: 'taiyuan (P-TY-1)',
    hospitalId: 'TY-L3',
    enrollee: taiyuanEnrollee,
    admission: '2019-03-01',
    discharge: '2019-03-20',
    lines: linesFor({ total: '50000.00', fullSelfPay: '2000.00' }, demoCatalogues.get('shanxi-2019-demo')!, '2019-03-05')!,
  },
];
