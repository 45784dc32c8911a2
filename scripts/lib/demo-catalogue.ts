/**
 * Illustrative catalogues (NOT the provinces' real ones): rows with the shapes
 * of national codes, all three levels, price ceilings and several 乙 self-pay
 * ratios. Deterministic: the same spec always gives the same rows.
 *
 * A few anchor rows carry the same codes in every demo catalogue, so the
 * README, the tests and the desk can name them.
 */
import { stringify } from 'csv-stringify/sync';
import { CATALOGUE_COLUMNS, catalogueRowOf, type CatalogueEntry } from '../../src/catalogue/row.js';
import type { ChargeLevel, FeeCategory } from '../../src/domain/code-tables.js';
import { Decimal } from '../../src/domain/money.js';

export interface DemoCatalogueSpec {
  id: string;
  /** Benefit year the validity dates are set around. */
  year: number;
  seed: number;
  /** Generated rows besides the anchors. */
  rows: number;
  /** 乙 self-pay ratios drawn from, by kind of item (assumed values). */
  ratios: { drug: string[]; service: string[]; material: string[] };
  /** 普通病房床位费 ceiling, yuan per day. */
  bedCeiling: string;
}

export const DEMO_CATALOGUES: DemoCatalogueSpec[] = [
  { id: 'zhejiang-2019-demo', year: 2019, seed: 330326, rows: 320, ratios: { drug: ['0.1'], service: ['0.1', '0.2'], material: ['0.1', '0.2', '0.3'] }, bedCeiling: '50.00' },
  { id: 'shanxi-2019-demo', year: 2019, seed: 140100, rows: 300, ratios: { drug: ['0.1', '0.15'], service: ['0.1', '0.2'], material: ['0.2', '0.3'] }, bedCeiling: '40.00' },
  { id: 'quanzhou-2018-demo', year: 2018, seed: 350582, rows: 310, ratios: { drug: ['0.1', '0.2'], service: ['0.1'], material: ['0.1', '0.3'] }, bedCeiling: '45.00' },
];

/** Codes every demo catalogue holds, with the meaning tests and the README rely on. */
export const ANCHOR = {
  amoxicillin: 'XJ01CAA040A001010101445', // 甲 西药, no ceiling
  cefuroxime: 'XJ01DCC108A001010101234', // 乙 西药, ratio 0.1, no ceiling
  wardBed: '001101000010000-110100001', // 甲 床位费, ceiling bedCeiling
  inpatientVisit: '001102000010000-110200001', // 甲 诊察费
  specialWard: '001101000040000-110100004', // 丙 床位费
  syringe: 'C0301010010000000000', // 乙 卫生材料, ratio 0.1, ceiling 2.00
  paracetamol: 'XN02BEA015A001010101111', // 甲 西药, ceiling 0.50 until 06-30, 0.40 from 07-01
  withdrawnSyrup: 'XR05DAA123A001010102222', // 甲 西药, valid until 03-31 of the year
  appendectomy: '003310000080000-331003008', // 甲 手术费
} as const;

/**
 * Worked example P-PY-1 (Pingyang county hospital, discharged 2019-03-10) as a
 * bill against any demo catalogue: 丙 300.00 → fullSelfPay, 乙 1200.00 at 0.1 →
 * preSelfPay 120.00, every 甲 line under its ceiling; total 12345.67.
 */
/** Line `i` of a large bill: the same amoxicillin line (1.5 × 0.666667 = 1.00) under its own ids, given on `time`. */
export function amoxicillinLine(i: number, time: string) {
  return { lineId: `B${i}`, code: ANCHOR.amoxicillin, hospitalCode: `YP-${i}`, name: '阿莫西林胶囊', quantity: '1.5', unitPrice: '0.666667', amount: '1.00', time };
}

export const DEMO_BILL = [
  { lineId: 'F0001', code: ANCHOR.specialWard, hospitalCode: 'CW-0009', name: '特需病房床位费', quantity: '3', unitPrice: '100.00', amount: '300.00', time: '2019-03-01T12:00:00' },
  { lineId: 'F0002', code: ANCHOR.cefuroxime, hospitalCode: 'YP-0102', name: '头孢呋辛酯片', quantity: '40', unitPrice: '30.00', amount: '1200.00', time: '2019-03-02T09:00:00' },
  { lineId: 'F0003', code: ANCHOR.wardBed, hospitalCode: 'CW-0001', name: '普通病房床位费', quantity: '9', unitPrice: '45.00', amount: '405.00', time: '2019-03-10T08:00:00' },
  { lineId: 'F0004', code: ANCHOR.inpatientVisit, hospitalCode: 'ZC-0001', name: '住院诊查费', quantity: '9', unitPrice: '20.00', amount: '180.00', time: '2019-03-10T08:00:00' },
  {
    lineId: 'F0005',
    code: ANCHOR.appendectomy,
    hospitalCode: 'SS-0311',
    name: '阑尾切除术',
    quantity: '1',
    unitPrice: '10000.00',
    amount: '10000.00',
    time: '2019-03-03T14:30:00',
  },
  {
    lineId: 'F0006',
    code: ANCHOR.amoxicillin,
    hospitalCode: 'YP-0001',
    name: '阿莫西林胶囊',
    quantity: '24',
    unitPrice: '10.86125',
    amount: '260.67',
    time: '2019-03-02T10:00:00',
  },
] as const;

function anchors(spec: DemoCatalogueSpec): CatalogueEntry[] {
  const y = spec.year;
  const entry = (
    code: string,
    name: string,
    level: ChargeLevel,
    category: FeeCategory,
    options: { ratio?: string; ceiling?: string; from?: string; to?: string } = {},
  ): CatalogueEntry => ({
    code,
    name,
    level,
    category,
    selfPayRatio: options.ratio ? new Decimal(options.ratio) : null,
    priceCeiling: options.ceiling ? new Decimal(options.ceiling) : null,
    validFrom: options.from ?? null,
    validTo: options.to ?? null,
  });
  return [
    entry(ANCHOR.amoxicillin, '阿莫西林胶囊', '01', '09'),
    entry(ANCHOR.cefuroxime, '头孢呋辛酯片', '02', '09', { ratio: '0.1' }),
    entry(ANCHOR.wardBed, '普通病房床位费', '01', '01', { ceiling: spec.bedCeiling }),
    entry(ANCHOR.inpatientVisit, '住院诊查费', '01', '02'),
    entry(ANCHOR.specialWard, '特需病房床位费', '03', '01'),
    entry(ANCHOR.syringe, '一次性使用无菌注射器', '02', '08', { ratio: '0.1', ceiling: '2.00' }),
    entry(ANCHOR.paracetamol, '对乙酰氨基酚片', '01', '09', { ceiling: '0.50', to: `${y}-06-30` }),
    entry(ANCHOR.paracetamol, '对乙酰氨基酚片', '01', '09', { ceiling: '0.40', from: `${y}-07-01` }),
    entry(ANCHOR.withdrawnSyrup, '复方甘草口服溶液', '01', '09', { to: `${y}-03-31` }),
    entry(ANCHOR.appendectomy, '阑尾切除术', '01', '06'),
  ];
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DRUGS = [
  '阿莫西林克拉维酸钾片',
  '头孢克肟胶囊',
  '左氧氟沙星片',
  '阿奇霉素肠溶片',
  '布洛芬缓释胶囊',
  '二甲双胍片',
  '硝苯地平控释片',
  '氨氯地平片',
  '阿托伐他汀钙片',
  '奥美拉唑肠溶胶囊',
  '兰索拉唑注射液',
  '氯化钠注射液',
  '葡萄糖注射液',
  '胰岛素注射液',
  '肝素钠注射液',
  '头孢曲松钠注射液',
  '甲硝唑注射液',
  '地塞米松注射液',
  '呋塞米注射液',
  '氨溴索口服溶液',
];
const DRUG_ATC = ['J01CR', 'J01DD', 'J01MA', 'J01FA', 'M01AE', 'A10BA', 'C08CA', 'C10AA', 'A02BC', 'B05BB', 'B05XA', 'A10AB', 'B01AB', 'H02AB', 'C03CA', 'R05CB'];
const PATENT = ['复方丹参滴丸', '连花清瘟胶囊', '血塞通软胶囊', '六味地黄丸', '银黄颗粒', '藿香正气水', '板蓝根颗粒', '双黄连口服液'];
const HERBS = ['黄芪', '当归', '党参', '白术', '茯苓', '甘草', '川芎', '熟地黄'];
const SPECS = ['0.25g×24粒', '0.5g×12片', '10ml:5mg', '100ml:0.9g', '250ml', '5mg×28片', '20mg×14粒', '1g/支', '10g/袋', '0.1g×30片'];
const SERVICES: [FeeCategory, string][] = [
  ['01', '监护病房床位费'],
  ['01', '隔离病房床位费'],
  ['02', '急诊诊查费'],
  ['02', '专家诊查费'],
  ['03', 'X线摄影'],
  ['03', 'CT平扫'],
  ['03', '磁共振平扫'],
  ['03', '彩色多普勒超声检查'],
  ['03', '心电图检查'],
  ['04', '血常规检查'],
  ['04', '肝功能检测'],
  ['04', '肾功能检测'],
  ['04', '血糖测定'],
  ['05', '静脉输液'],
  ['05', '肌肉注射'],
  ['05', '换药'],
  ['05', '血液透析'],
  ['05', '针灸'],
  ['06', '胆囊切除术'],
  ['06', '剖宫产术'],
  ['06', '髋关节置换术'],
  ['07', '一级护理'],
  ['07', '二级护理'],
  ['07', '特级护理'],
  ['12', '一般诊疗费'],
  ['13', '挂号费'],
  ['14', '救护车费'],
  ['14', '病历工本费'],
];
const MATERIALS = ['一次性使用输液器', '医用缝合线', '冠状动脉支架', '人工髋关节假体', '一次性使用导尿管', '医用胶带', '留置针', '止血纱布', '骨科内固定钢板', '人工晶体'];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function digits(rand: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(rand() * 10);
  return out;
}

function letter(rand: () => number): string {
  return String.fromCharCode(65 + Math.floor(rand() * 26));
}

function price(rand: () => number, low: number, high: number): string {
  const fen = Math.round((low + rand() * (high - low)) * 100);
  return (fen / 100).toFixed(2);
}

/** One generated row, drawn by kind: 西药, 中成药, 中药饮片, service, material. */
function randomEntry(rand: () => number, spec: DemoCatalogueSpec): Omit<CatalogueEntry, 'code'> & { code: () => string } {
  const roll = rand();
  const level = (weights: [number, number]): ChargeLevel => {
    const r = rand();
    return r < weights[0] ? '01' : r < weights[0] + weights[1] ? '02' : '03';
  };
  const validity = (): { validFrom: string | null; validTo: string | null } => {
    const r = rand();
    if (r < 0.05) return { validFrom: `${spec.year}-0${1 + Math.floor(rand() * 9)}-01`, validTo: null };
    if (r < 0.1) return { validFrom: null, validTo: `${spec.year}-0${1 + Math.floor(rand() * 9)}-28` };
    return { validFrom: null, validTo: null };
  };
  let kind: 'drug' | 'service' | 'material';
  let name: string;
  let category: FeeCategory;
  let code: () => string;
  let lv: ChargeLevel;
  if (roll < 0.5) {
    kind = 'drug';
    name = `${pick(rand, DRUGS)}（${pick(rand, SPECS)}）`;
    category = '09';
    code = () => `X${pick(rand, DRUG_ATC)}${letter(rand)}${digits(rand, 3)}A${digits(rand, 3)}${digits(rand, 4)}${digits(rand, 5)}`;
    lv = level([0.4, 0.5]);
  } else if (roll < 0.65) {
    kind = 'drug';
    name = `${pick(rand, PATENT)}（${pick(rand, SPECS)}）`;
    category = '11';
    code = () => `Z${letter(rand)}${digits(rand, 2)}${letter(rand)}${letter(rand)}${letter(rand)}${digits(rand, 4)}${digits(rand, 5)}${digits(rand, 5)}`;
    lv = level([0.4, 0.5]);
  } else if (roll < 0.7) {
    kind = 'drug';
    name = `${pick(rand, HERBS)}（饮片 ${pick(rand, ['10g', '15g', '30g'])}）`;
    category = '10';
    code = () => `T${digits(rand, 9)}`;
    lv = level([0.7, 0.2]);
  } else if (roll < 0.9) {
    kind = 'service';
    const [cat, base] = pick(rand, SERVICES);
    name = `${base}${rand() < 0.5 ? '' : `（${pick(rand, ['每次', '每日', '每部位', '每项'])}）`}`;
    category = cat;
    code = () => `00${digits(rand, 13)}-${digits(rand, 9)}`;
    lv = level([0.7, 0.2]);
  } else {
    kind = 'material';
    name = `${pick(rand, MATERIALS)}（${pick(rand, ['国产', '进口'])}）`;
    category = '08';
    code = () => `C${digits(rand, 19)}`;
    lv = level([0.15, 0.7]);
  }
  const ceilingShare = kind === 'material' ? 0.6 : kind === 'service' ? 0.3 : 0.2;
  const ceiling = lv !== '03' && rand() < ceilingShare ? price(rand, kind === 'material' ? 50 : 1, kind === 'material' ? 30000 : 500) : null;
  return {
    code,
    name,
    level: lv,
    category,
    selfPayRatio: lv === '02' ? new Decimal(pick(rand, spec.ratios[kind])) : null,
    priceCeiling: ceiling === null ? null : new Decimal(ceiling),
    ...validity(),
  };
}

export function generateDemoCatalogue(spec: DemoCatalogueSpec): CatalogueEntry[] {
  const rand = prng(spec.seed);
  const entries = anchors(spec);
  const used = new Set(entries.map((e) => e.code));
  for (let i = 0; i < spec.rows; i++) {
    const { code: draw, ...rest } = randomEntry(rand, spec);
    let code = draw();
    while (used.has(code)) code = draw();
    used.add(code);
    entries.push({ code, ...rest });
  }
  return entries;
}

/** The canonical CSV text of a catalogue (header, one row per entry, \n line ends). */
export function catalogueCsv(entries: readonly CatalogueEntry[]): string {
  return stringify([[...CATALOGUE_COLUMNS], ...entries.map(catalogueRowOf)], { record_delimiter: '\n' });
}
