/** A settlement as answered on the wire (api.md "Response"): money as strings with two decimals. */
import { accumulatorsView, applyDeltas, type AccumulatorsView } from '../domain/accumulators.js';
import { formatMoney } from '../domain/money.js';
import type { Accumulators, Actor, SettlementRequest } from '../domain/types.js';
import type { SettlementComputation } from '../engine/types.js';

export interface SettlementView {
  settlementId: string | null;
  requestId: string;
  status: 'preview' | 'settled' | 'reversed';
  policyId: string;
  benefitYear: number;
  card: string;
  hospitalId: string;
  visitType: string;
  admissionDate: string;
  dischargeDate: string;
  total: string;
  policyScope: string;
  payments: Record<string, string>;
  fundTotal: string;
  patientTotal: string;
  admissionOrdinal: number | null;
  referralId: string | null;
  lines: { fund: string; fundPayType: string | null; amount: string; cite: string }[];
  steps: { rule: string; text: string; amount: string | null; cite: string }[];
  accumulatorsBefore: AccumulatorsView;
  accumulatorsAfter: AccumulatorsView;
  notes: string[];
  /** The clerk named in the body and the caller's key (api.md "Operator and reason"). */
  operator: { id: string | null; name: string | null; keyId: string | null };
  settledAt?: string;
  reversedAt?: string | null;
  reversal?: { at: string; reason: string | null; operator: { id: string | null; name: string | null; keyId: string | null } };
}

export function settlementView(
  computation: SettlementComputation,
  request: SettlementRequest,
  before: Accumulators,
  identity: { settlementId: string | null; status: 'preview' | 'settled'; settledAt?: string; actor: Actor },
): SettlementView {
  const payments: Record<string, string> = {};
  for (const [fund, amount] of Object.entries(computation.payments)) payments[fund] = formatMoney(amount!);
  const view: SettlementView = {
    settlementId: identity.settlementId,
    requestId: request.requestId,
    status: identity.status,
    policyId: computation.policyId,
    benefitYear: computation.benefitYear,
    card: request.card,
    hospitalId: request.hospitalId,
    visitType: request.visitType,
    admissionDate: request.admissionDate,
    dischargeDate: request.dischargeDate,
    total: formatMoney(computation.total),
    policyScope: formatMoney(computation.policyScope),
    payments,
    fundTotal: formatMoney(computation.fundTotal),
    patientTotal: formatMoney(computation.patientTotal),
    admissionOrdinal: computation.admissionOrdinal,
    referralId: computation.referralId,
    lines: computation.lines.map((line) => ({ ...line, amount: formatMoney(line.amount) })),
    steps: computation.steps.map((step) => ({ ...step, amount: step.amount === null ? null : formatMoney(step.amount) })),
    accumulatorsBefore: accumulatorsView(before),
    accumulatorsAfter: accumulatorsView(applyDeltas(before, computation.deltas)),
    notes: computation.notes,
    operator: { ...identity.actor.operator, keyId: identity.actor.keyId },
  };
  if (identity.settledAt) view.settledAt = identity.settledAt;
  return view;
}
