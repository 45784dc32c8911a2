/**
 * Messages built the way HIS vendor code builds them for the national
 * platform (liwerAKM/YbRefund InputRoot, newtouch openhis Input_*.cs): every
 * envelope field present, msgid = facility code (12) + yyyyMMddHHmmss (14) +
 * sequence (4), amounts as JSON numbers (written from their decimal text),
 * extra fields vendors send (fixmedins_soft_fcty, enc_type, expContent).
 */
import { LosslessNumber, parse, stringify } from 'lossless-json';
import type supertest from 'supertest';

/** An amount as a vendor's decimal serialises it: a JSON number. */
export const n = (text: string): LosslessNumber => new LosslessNumber(text);

let sequence = 0;

/** Every message sent and its answer, in order, while HSA_TRANSCRIPT names a file (scripts/national-exchange.ts renders it). */
export const transcript: { request: string; status: number; answer: string }[] = [];
const recording = Boolean(process.env.HSA_TRANSCRIPT);

export interface Hsa {
  fixmedinsCode: string;
  /** The next msgid of this facility. */
  msgid(): string;
  envelope(infno: string, input: unknown, overrides?: Record<string, unknown>): { msgid: string; body: string };
  /** Sends one message; answers status, the parsed envelope (numbers as LosslessNumber) and the raw text. */
  send(infno: string, input: unknown, overrides?: Record<string, unknown>): Promise<HsaAnswer>;
  /** Sends an envelope built before (a resend of the same message). */
  resend(body: string): Promise<HsaAnswer>;
}

export interface HsaAnswer {
  status: number;
  text: string;
  envelope: { infcode: LosslessNumber | number; err_msg: string | null; output: any; inf_refmsgid: string; [key: string]: unknown };
  ok: boolean;
  msgid?: string;
}

/** A LosslessNumber or string as its text. */
export const text = (value: unknown): string => (value instanceof LosslessNumber ? value.value : String(value));

export function hsa(http: ReturnType<typeof supertest>, key: string, fixmedinsCode: string, hospitalName = '测试医院'): Hsa {
  const time = () => {
    const d = new Date(Date.now() + 8 * 3_600_000).toISOString();
    return { compact: d.replace(/[-:T]/g, '').slice(0, 14), human: d.slice(0, 19).replace('T', ' ') };
  };
  const msgid = () => `${fixmedinsCode}${time().compact}${String(++sequence % 10_000).padStart(4, '0')}`;
  const envelope = (infno: string, input: unknown, overrides: Record<string, unknown> = {}) => {
    const id = (overrides.msgid as string | undefined) ?? msgid();
    const body = stringify({
      infno,
      msgid: id,
      mdtrtarea_admvs: '330326',
      insuplc_admdvs: '330326',
      recer_sys_code: 'MBS_LOCAL',
      dev_no: '',
      dev_safe_info: '',
      cainfo: '',
      signtype: '',
      infver: 'V1.0',
      opter_type: '1',
      opter: '0123',
      opter_name: '收费员张三',
      inf_time: time().human,
      fixmedins_code: fixmedinsCode,
      fixmedins_name: hospitalName,
      sign_no: '',
      fixmedins_soft_fcty: '某某软件有限公司',
      enc_type: '',
      input,
      ...overrides,
    })!;
    return { msgid: id, body };
  };
  const post = async (body: string): Promise<HsaAnswer> => {
    const res = await http.post('/hsa/v1').set('Authorization', `Bearer ${key}`).set('Content-Type', 'application/json').send(body);
    if (recording) transcript.push({ request: body, status: res.status, answer: res.text });
    const parsed = parse(res.text) as HsaAnswer['envelope'];
    return { status: res.status, text: res.text, envelope: parsed, ok: res.status === 200 && text(parsed.infcode) === '0' };
  };
  return {
    fixmedinsCode,
    msgid,
    envelope,
    async send(infno, input, overrides) {
      const built = envelope(infno, input, overrides);
      return { ...(await post(built.body)), msgid: built.msgid };
    },
    resend: post,
  };
}
