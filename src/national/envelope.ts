/**
 * The national platform's envelope (docs/spec/national-platform.md §1): the
 * request's common fields around `input`, and the answer's `infcode`,
 * message ids, times, `err_msg` and `output`. Business failures are HTTP 200
 * with infcode -1 and err_msg starting with the native error code, then
 * Chinese; vendors read infcode, not the status.
 */
import { randomInt } from 'node:crypto';
import { parse } from 'lossless-json';
import { z } from 'zod';
import { ValidationError, type AppError } from '../domain/errors.js';
import { platformErrorMessage } from './errors.js';
import { blanksAbsent, code, compactTime, text } from './values.js';

const MSGID = /^[A-Za-z0-9._-]{1,64}$/;

/** The envelope as vendors send it; unknown fields are ignored, the ones this service uses are checked. */
export const envelopeSchema = z.object({
  infno: code(/^\d{4}$/, 'a four-digit transaction number such as "2304"'),
  msgid: code(MSGID, 'a message id: up to 64 letters and digits (facility code + yyyyMMddHHmmss + sequence)').optional(),
  fixmedins_code: z.string().regex(/^[A-Z][A-Z0-9]{11}$/, 'a national facility code such as H35058200011'),
  fixmedins_name: text(200).nullish(),
  mdtrtarea_admvs: z.string().nullish(),
  insuplc_admdvs: z.string().nullish(),
  opter_type: code(/^\d{1,2}$/, 'an operator type (1 clerk, 2 kiosk, 3 mobile)').nullish(),
  opter: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,32}$/, 'an operator id of up to 32 letters and digits')
    .nullish(),
  opter_name: text(64).nullish(),
  inf_time: z.string().nullish(),
  sign_no: z.string().nullish(),
  input: z.unknown(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** Parses the body text losslessly (numbers keep their text); `input` sent as a JSON string is parsed too; `""` and `null` fields are absent. */
export function parseBody(body: string): unknown {
  let value: unknown;
  try {
    value = parse(body);
  } catch (error) {
    throw new ValidationError('the body is not valid JSON', [{ path: '(body)', message: (error as Error).message.slice(0, 200) }]);
  }
  const envelope = value as { input?: unknown } | null;
  if (envelope && typeof envelope === 'object' && typeof envelope.input === 'string') {
    try {
      envelope.input = parse(envelope.input);
    } catch (error) {
      throw new ValidationError('input is not valid JSON', [{ path: 'input', message: (error as Error).message.slice(0, 200) }]);
    }
  }
  return blanksAbsent(value);
}

/** What a successful or failed answer carries besides output or err_msg. */
export interface AnswerContext {
  /** Division of the receiving side (6 digits): the hospital's, else zeros. */
  admdvs: string;
  received: Date;
  answered: Date;
}

/** This process's answers, numbered from a random start (crypto.randomInt per answer costs more than the rest of the envelope). */
let answerSequence = randomInt(0, 1e9);

function refMessageId(ctx: AnswerContext, receivedSecond: string): string {
  // division (6) + yyyyMMddHHmmss (14) + sequence (10)
  answerSequence = (answerSequence + 1) % 1e10;
  const sequence = String(answerSequence).padStart(10, '0');
  return `${ctx.admdvs.padEnd(6, '0').slice(0, 6)}${receivedSecond}${sequence}`;
}

/** The envelope around an output already serialised (a stored output is answered as it was); its fields in the platform's order. */
function answer(ctx: AnswerContext, fields: { infcode: number; err_msg: string | null; outputJson: string }): string {
  const received = compactTime(ctx.received);
  return (
    `{"infcode":${fields.infcode},"inf_refmsgid":${JSON.stringify(refMessageId(ctx, received.slice(0, 14)))},"refmsg_time":"${received}",` +
    `"respond_time":"${compactTime(ctx.answered)}","err_msg":${JSON.stringify(fields.err_msg)},"warn_msg":null,"cainfo":null,"signtype":null,"output":${fields.outputJson}}`
  );
}

export function successAnswer(ctx: AnswerContext, outputJson: string): string {
  return answer(ctx, { infcode: 0, err_msg: null, outputJson });
}

/** err_msg: the native error code, then Chinese naming each field (errors.ts); the English is the log's. */
export function failureAnswer(ctx: AnswerContext, error: AppError): string {
  return answer(ctx, { infcode: -1, err_msg: platformErrorMessage(error), outputJson: 'null' });
}
