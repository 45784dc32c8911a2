/**
 * err_msg as the window's HIS shows it: the native code (for machines), then
 * Chinese from the catalogue (src/messages/national.ts) naming each field by
 * its platform path. The English message stays for the log.
 */
import type { AppError, ErrorDetail } from '../domain/errors.js';
import { hasMessage, say, type MessageKey } from '../messages/index.js';

/** Particular refusals, recognised by their English, that deserve their own Chinese headline. */
const HEADLINES: [RegExp, MessageKey][] = [
  [/^msgid is required/, 'national.msgid.required'],
  [/^msgid .* was used for another input/, 'national.msgid.reused'],
  [/^msgid .* was reversed/, 'national.msgid.reversed'],
  [/^infno .* is not a transaction/, 'national.infno.unknown'],
  [/ was cancelled/, 'national.encounter.cancelled'],
  [/ is settled \(/, 'national.encounter.settled'],
  [/ is not discharged/, 'national.encounter.not-discharged'],
  [/ has no fee lines/, 'national.encounter.no-lines'],
  [/^the amounts sent do not match/, 'national.encounter.sums'],
  [/one settlement settles one batch/, 'national.encounter.batch'],
  [/^the visit's med_type is/, 'national.encounter.med-type'],
  [/: settle it with 2\d{3}\/2\d{3}$/, 'national.encounter.wrong-flow'],
  [/discharge(?: time)? is before the admission/, 'national.encounter.before-admission'],
  [/ is discharged already/, 'national.encounter.discharged'],
];

function detailKey(detail: ErrorDetail): MessageKey {
  if (/^required$|received undefined|^Required/.test(detail.message)) return 'national.field.required';
  if (/significant decimals/.test(detail.message)) return 'national.field.scale';
  if (/is not the stay's/.test(detail.message)) return 'national.field.sums';
  return 'national.field.invalid';
}

function particularOf(error: AppError): MessageKey | null {
  return HEADLINES.find(([pattern]) => pattern.test(error.message))?.[1] ?? null;
}

export function headline(error: AppError): string {
  const particular = particularOf(error);
  if (particular) return say(particular);
  const key = `national.code.${error.code}`;
  return hasMessage(key) ? say(key) : error.code;
}

/** `CODE: 中文（字段说明；…）`; after a particular headline the fields are only named. */
export function platformErrorMessage(error: AppError): string {
  // A refusal whose Chinese the service wrote (naming the settlement or hospital it is about) says it whole;
  // its detail paths are the native API's, which the HIS would not recognise.
  if (error.zh?.message && particularOf(error) === null) return `${error.code}: ${error.zh.message}`;
  const named = particularOf(error) !== null;
  const details = error.details.slice(0, 10).map((d) => say(named ? 'national.field.named' : detailKey(d), { path: d.path }));
  return `${error.code}: ${headline(error)}${details.length ? `（${details.join('；')}）` : ''}`;
}
