/**
 * What the engine computed a settlement from, recorded with it: the request
 * as parsed, the hospital and the person as the service saw them then, and
 * the person's filings it read. A closed year can then be settled again
 * exactly (the what-if replay under a draft policy, an audit of the year),
 * whatever the registry holds today.
 */
import { Decimal, type Money } from '../domain/money.js';
import type { Enrollee, FeeLine, Filing, Hospital, SettlementRequest } from '../domain/types.js';

export interface SettlementInputs {
  request: SettlementRequest;
  hospital: Hospital;
  enrollee: Enrollee;
  filings: Filing[];
}

/** Stands for the request's lines while the rest is serialised (no string of a request holds a NUL). */
const LINES_MARK = JSON.stringify('\u0000lines\u0000');
/** Lines serialised and encoded at a time: a 2,000-line request as one string took ~2× as long (large-object strings). */
const LINES_PER_PART = 250;
const COMMA = Buffer.from(',');

/**
 * The request as UTF-8 JSON, as the inputs hold it and its hash reads it
 * (settlements.ts requestHash): one serialisation serves both. Byte for byte
 * Buffer.from(JSON.stringify(request)); a large bill's lines a part at a time.
 */
export function requestJsonBytes(request: SettlementRequest): Buffer {
  const { charges } = request;
  if (!('lines' in charges) || charges.lines.length <= LINES_PER_PART) return Buffer.from(JSON.stringify(request));
  const lines = charges.lines;
  const ends = JSON.stringify({ ...request, charges: { ...charges, lines: JSON.parse(LINES_MARK) as string } }).split(LINES_MARK);
  if (ends.length !== 2) return Buffer.from(JSON.stringify(request));
  const parts = [Buffer.from(`${ends[0]}[`)];
  const plain = plainLines();
  for (let from = 0; from < lines.length; from += LINES_PER_PART) {
    // The part's brackets cut off the bytes, not the string: a cut string is copied whole again when encoded.
    if (from > 0) parts.push(COMMA);
    parts.push(Buffer.from(JSON.stringify(lines.slice(from, from + LINES_PER_PART).map(plain))).subarray(1, -1));
  }
  parts.push(Buffer.from(`]${ends[1]}`));
  return Buffer.concat(parts);
}

/**
 * A line with its three decimals as the text their toJSON gives, each
 * decimal's text made once (a bill's lines share one decimal per text):
 * JSON.stringify then meets plain strings, not 6,000 toJSON calls.
 */
function plainLines(): (line: FeeLine) => FeeLine | Record<string, unknown> {
  const texts = new Map<Money, string>();
  const text = (value: Money): string => {
    let json = texts.get(value);
    if (json === undefined) {
      json = value.toJSON();
      texts.set(value, json);
    }
    return json;
  };
  return (line) =>
    line.quantity instanceof Decimal && line.unitPrice instanceof Decimal && line.amount instanceof Decimal
      ? { ...line, quantity: text(line.quantity), unitPrice: text(line.unitPrice), amount: text(line.amount) }
      : line;
}

const REQUEST_KEY = Buffer.from('{"request":');

/**
 * UTF-8 JSON; money as decimal strings (the request's wire form, as its hash
 * sees it). Byte for byte JSON.stringify(inputs); the request's bytes may be
 * given when already made (a 2,000-line bill's JSON costs milliseconds).
 */
export function encodeSettlementInputs(inputs: SettlementInputs, request: Buffer = requestJsonBytes(inputs.request)): Buffer {
  const { hospital, enrollee, filings } = inputs;
  return Buffer.concat([REQUEST_KEY, request, Buffer.from(`,${JSON.stringify({ hospital, enrollee, filings }).slice(1)}`)]);
}

/** Parses recorded inputs back (what the service recorded: the request already checked, its defaults filled in). */
export function decodeSettlementInputs(json: string | Buffer): SettlementInputs {
  return settlementInputsOf(JSON.parse(typeof json === 'string' ? json : json.toString('utf8')));
}

/** Recorded inputs already parsed as JSON (an archive line holds them so). */
export function settlementInputsOf(value: unknown): SettlementInputs {
  const raw = value as { request: unknown; hospital: Hospital; enrollee: Enrollee; filings: Filing[] };
  return { request: requestOf(raw.request as RecordedRequest), hospital: raw.hospital, enrollee: raw.enrollee, filings: raw.filings };
}

type RecordedRequest = Omit<SettlementRequest, 'charges'> & {
  charges:
    | { lines: (Omit<FeeLine, 'quantity' | 'unitPrice' | 'amount'> & { quantity: string; unitPrice: string; amount: string })[] }
    | Record<'total' | 'fullSelfPay' | 'overLimitSelfPay' | 'preSelfPay', string>;
};

/**
 * The recorded request with its amounts as decimals again. Not the request
 * schema: it was parsed by it when settled, and a replay reads a year of them
 * (the schema costs several times the rest of a line's decoding).
 */
function requestOf(raw: RecordedRequest): SettlementRequest {
  const c = raw.charges;
  const charges =
    'lines' in c
      ? { lines: c.lines.map((line) => ({ ...line, quantity: new Decimal(line.quantity), unitPrice: new Decimal(line.unitPrice), amount: new Decimal(line.amount) })) }
      : { total: new Decimal(c.total), fullSelfPay: new Decimal(c.fullSelfPay), overLimitSelfPay: new Decimal(c.overLimitSelfPay), preSelfPay: new Decimal(c.preSelfPay) };
  return { ...raw, charges };
}
