/**
 * An encounter (就诊, the national platform's mdtrt_id): a stay registered at
 * admission (2401), its fee lines uploaded as the stay goes on (2301), closed
 * at discharge (2402) and settled from its lines (2304). The native API settles
 * a bill in one call; an encounter is how a platform-speaking HIS builds one.
 */
import type { IsoDate } from './dates.js';
import type { VisitType } from './types.js';

export type EncounterStatus = 'admitted' | 'discharged' | 'cancelled';

export interface Diagnosis {
  code: string;
  name: string | null;
  main: boolean;
}

export interface Encounter {
  mdtrtId: string;
  card: string;
  hospitalId: string;
  /** The platform's med_type as sent (regional sub-types kept). */
  medType: string;
  /** What med_type means here; an emergency (13) becomes emergency-death at a discharge by death. */
  visitType: VisitType | null;
  /** yyyy-MM-dd HH:mm:ss */
  admittedAt: string;
  dischargedAt: string | null;
  /** 离院方式 */
  dischargeWay: string | null;
  diagnoses: Diagnosis[];
  status: EncounterStatus;
  /**
   * How many settlements of this stay were reversed: the stay's next
   * settlement uses requestId `<mdtrtId>` the first time, `<mdtrtId>.<round>` after.
   */
  round: number;
  /** The message that admitted it (its mdtrt_id is derived from it). */
  msgid: string;
  /** 病种编码: a special-outpatient encounter's disease, as the person's approval names it. */
  diseaseCode: string | null;
  /** 生育类别 as sent (childbirth: the delivery mode). */
  maternityType: string | null;
  /** The person as enrolled at admission (the platform's answers name sex and birth date). */
  person: { sex: 'F' | 'M'; birthDate: IsoDate };
}

export function admissionDateOf(encounter: Encounter): IsoDate {
  return encounter.admittedAt.slice(0, 10);
}

/** The requestId of the stay's current settlement: a native settlement with the same requestId is the same settlement. */
export function stayRequestId(encounter: Pick<Encounter, 'mdtrtId' | 'round'>): string {
  return encounter.round === 0 ? encounter.mdtrtId : `${encounter.mdtrtId}.${encounter.round}`;
}

/** A fee line as uploaded (2301): amounts as decimal strings; a refund line names the line it undoes. */
export interface EncounterFeeLine {
  /** feedetl_sn */
  lineId: string;
  /** init_feedetl_sn of a refund line */
  refundOf: string | null;
  code: string;
  hospitalCode: string | null;
  name: string | null;
  quantity: string;
  unitPrice: string;
  amount: string;
  /** YYYY-MM-DDTHH:mm:ss */
  time: string | null;
  /** The message that uploaded it. */
  msgid: string;
  /** 收费批次号 (chrg_bchno) of an outpatient visit's line. */
  batch?: string | null;
}

/** The lines that count: every uploaded line that is no refund line and was not refunded. */
export function effectiveLines(lines: readonly EncounterFeeLine[]): EncounterFeeLine[] {
  const refunded = new Set(lines.filter((line) => line.refundOf !== null).map((line) => line.refundOf));
  return lines.filter((line) => line.refundOf === null && !refunded.has(line.lineId)).sort((a, b) => compareLineIds(a.lineId, b.lineId));
}

/** feedetl_sn order: numeric when both are numbers, else text. */
export function compareLineIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
