/**
 * The bill on the form → the settlement request of api.md, and the bill's
 * identity: 确认结算 is allowed only for the exact inputs that were previewed.
 */
import type { Operator } from './wire.js';

export interface FeeLineInput {
  lineId: string;
  code: string;
  hospitalCode: string;
  name: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  time: string;
}

export interface BillInput {
  card: string;
  hospitalId: string;
  visitType: string;
  admissionDate: string;
  dischargeDate: string;
  chargeMode: 'totals' | 'lines';
  total: string;
  fullSelfPay: string;
  overLimitSelfPay: string;
  preSelfPay: string;
  lines: FeeLineInput[];
  specialDisease: string;
  majorDisease: string;
  delivery: string;
  referralId: string;
  referredFromPrimary: boolean;
  emergency: boolean;
  consortiumTransfer: boolean;
  liability: string;
}

export function emptyBill(card = '', hospitalId = ''): BillInput {
  return {
    card,
    hospitalId,
    visitType: 'inpatient',
    admissionDate: '',
    dischargeDate: '',
    chargeMode: 'totals',
    total: '',
    fullSelfPay: '',
    overLimitSelfPay: '',
    preSelfPay: '',
    lines: [],
    specialDisease: '',
    majorDisease: '',
    delivery: '',
    referralId: '',
    referredFromPrimary: false,
    emergency: false,
    consortiumTransfer: false,
    liability: 'none',
  };
}

/** Clerks type 20190301 or 2019.03.01 as often as 2019-03-01. */
export function normaliseDate(text: string): string {
  const value = text.trim();
  const compact = /^(\d{4})[-./]?(\d{2})[-./]?(\d{2})$/.exec(value);
  return compact ? `${compact[1]}-${compact[2]}-${compact[3]}` : value;
}

/** Amounts as typed, without grouping commas or a currency sign; the service validates them. */
export function normaliseAmount(text: string): string {
  return text.trim().replace(/[,，\s¥￥]/g, '');
}

/** A requestId per bill (api.md: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$), reused for every retry of that bill. */
export function newRequestId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const random = Array.from(crypto.getRandomValues(new Uint8Array(5)), (b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 8)
    .toUpperCase();
  return `DESK-${stamp}-${random}`;
}

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The request body of api.md "Settlement", without requestId and operator (the bill itself). */
export function billRequest(bill: BillInput): Record<string, unknown> {
  const body: Record<string, unknown> = {
    card: bill.card.trim(),
    hospitalId: bill.hospitalId.trim(),
    visitType: bill.visitType,
    admissionDate: normaliseDate(bill.admissionDate),
    dischargeDate: normaliseDate(bill.dischargeDate),
  };
  if (bill.chargeMode === 'lines') {
    body.charges = {
      lines: bill.lines.map((line, index) => {
        const out: Record<string, string> = {
          lineId: line.lineId.trim() || `L${String(index + 1).padStart(4, '0')}`,
          code: line.code.trim(),
          quantity: normaliseAmount(line.quantity),
          unitPrice: normaliseAmount(line.unitPrice),
          amount: normaliseAmount(line.amount),
        };
        if (line.hospitalCode.trim()) out.hospitalCode = line.hospitalCode.trim();
        if (line.name.trim()) out.name = line.name.trim();
        if (line.time.trim()) out.time = line.time.trim();
        return out;
      }),
    };
  } else {
    const charges: Record<string, string> = { total: normaliseAmount(bill.total) };
    for (const part of ['fullSelfPay', 'overLimitSelfPay', 'preSelfPay'] as const) {
      const value = normaliseAmount(bill[part]);
      if (value) charges[part] = value;
    }
    body.charges = charges;
  }
  if (bill.specialDisease.trim()) body.specialDisease = bill.specialDisease.trim();
  if (bill.majorDisease.trim()) body.majorDisease = bill.majorDisease.trim();
  if (bill.delivery) body.delivery = bill.delivery;
  if (bill.referralId.trim()) body.referralId = bill.referralId.trim();
  if (bill.referredFromPrimary) body.referredFromPrimary = true;
  if (bill.emergency) body.emergency = true;
  if (bill.consortiumTransfer) body.consortiumTransfer = true;
  if (bill.liability !== 'none') body.liability = bill.liability;
  return body;
}

/** The full request: the bill plus its requestId and the operator at the window. */
export function settlementRequest(bill: BillInput, requestId: string, operator: Operator | null): Record<string, unknown> {
  return { requestId, ...billRequest(bill), ...(operator ? { operator } : {}) };
}

/** A stable text for comparing two bills (key order fixed). */
export function billKey(bill: BillInput): string {
  return stableJson(billRequest(bill));
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
