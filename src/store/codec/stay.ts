/**
 * A listed inpatient stay (field t|<year> of person:{card}, earlier stays:{card}:<year>) as one member,
 * scored by its discharge day: "<settlementId>|<hospitalId>|<consortium>|<dischargeDate>|<ordinal>".
 * Ids never contain '|' (src/contract/fields.ts).
 */
import type { PreviousStay } from '../../domain/types.js';
import { localSettlementId, settlementIdOfCard } from '../keys.js';

/**
 * `local`: as the person's hash keeps it, the settlement id local
 * (keys.localSettlementId) and the discharge date left out: its entry's day
 * gives it (person-hash.ts staysOfYear puts it back).
 */
export function encodeStay(stay: PreviousStay, local = false): string {
  if (!local) return [stay.settlementId, stay.hospitalId, stay.consortium ?? '', stay.dischargeDate, stay.admissionOrdinal ?? ''].join('|');
  return [localSettlementId(stay.settlementId), stay.hospitalId, stay.consortium ?? '', '', stay.admissionOrdinal ?? ''].join('|');
}

/** A member of `card`'s stays, its settlement id whole. */
export function decodeStay(member: string, card: string): PreviousStay {
  const [settlementId, hospitalId, consortium, dischargeDate, ordinal] = member.split('|');
  return {
    settlementId: settlementIdOfCard(card, settlementId!),
    hospitalId: hospitalId!,
    consortium: consortium || null,
    dischargeDate: dischargeDate!,
    admissionOrdinal: ordinal ? Number(ordinal) : null,
  };
}
