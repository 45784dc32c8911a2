/**
 * What the engine computed a settlement from, recorded with it: the request
 * as parsed, the hospital and the person as the service saw them then, and
 * the person's filings it read. A closed year can then be settled again
 * exactly (the what-if replay under a draft policy, an audit of the year),
 * whatever the registry holds today.
 */
import { parseSettlementRequest } from '../http/schemas.js';
import type { Enrollee, Filing, Hospital, SettlementRequest } from '../domain/types.js';

export interface SettlementInputs {
  request: SettlementRequest;
  hospital: Hospital;
  enrollee: Enrollee;
  filings: Filing[];
}

/** UTF-8 JSON; money as decimal strings (the request's wire form, as its hash sees it). */
export function encodeSettlementInputs(inputs: SettlementInputs): Buffer {
  return Buffer.from(JSON.stringify(inputs));
}

/** Parses recorded inputs back; the request goes through the request schema again (decimals, defaults). */
export function decodeSettlementInputs(json: string | Buffer): SettlementInputs {
  return settlementInputsOf(JSON.parse(typeof json === 'string' ? json : json.toString('utf8')));
}

/** Recorded inputs already parsed as JSON (an archive line holds them so). */
export function settlementInputsOf(value: unknown): SettlementInputs {
  const raw = value as { request: unknown; hospital: Hospital; enrollee: Enrollee; filings: Filing[] };
  return { request: parseSettlementRequest(raw.request), hospital: raw.hospital, enrollee: raw.enrollee, filings: raw.filings };
}
