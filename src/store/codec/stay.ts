/**
 * A listed inpatient stay (field t|<year> of person:{card}, earlier stays:{card}:<year>) as one member,
 * scored by its discharge day: "<settlementId>|<hospitalId>|<consortium>|<dischargeDate>|<ordinal>".
 * Ids never contain '|' (src/contract/fields.ts).
 */
import type { PreviousStay } from '../../domain/types.js';

export function encodeStay(stay: PreviousStay): string {
  return [stay.settlementId, stay.hospitalId, stay.consortium ?? '', stay.dischargeDate, stay.admissionOrdinal ?? ''].join('|');
}

export function decodeStay(member: string): PreviousStay {
  const [settlementId, hospitalId, consortium, dischargeDate, ordinal] = member.split('|');
  return {
    settlementId: settlementId!,
    hospitalId: hospitalId!,
    consortium: consortium || null,
    dischargeDate: dischargeDate!,
    admissionOrdinal: ordinal ? Number(ordinal) : null,
  };
}
