/**
 * The settlement's own ids out of the parts a record deflates (format 4 on):
 * its settlementId (the field or key name) and card (the key's hash tag) are
 * random to deflate and known to every reader without the record, so each
 * occurrence in the answer and inputs JSON is replaced by one control byte
 * before deflating and put back after inflating.
 *
 * Exactly invertible, byte for byte: JSON.stringify never emits a raw control
 * byte, a part holding one is not hidden at all (the writer falls back to the
 * previous format), and a value is hidden only when it is non-empty and holds
 * none (the reader applies the same rule). Values are replaced in order, the
 * first before the second, and put back in reverse order, so a value inside
 * another (a card inside a requestId, an id inside an id) stays exact: each
 * step's output holds no byte of the steps after it.
 */

/** What every reader of a record knows without reading it. */
export interface KnownIds {
  settlementId: string;
  card: string;
}

/** One control byte per known value, in the order they are hidden. */
const SENTINELS = [Buffer.from([0x01]), Buffer.from([0x02])] as const;
const CONTROL = /[\u0000-\u001f]/;

/** The values' UTF-8 bytes, null where one is not hidden (empty, or holding a control byte). */
function hiddenValues({ settlementId, card }: KnownIds): (Buffer | null)[] {
  return [settlementId, card].map((value) => (value === '' || CONTROL.test(value) ? null : Buffer.from(value, 'utf8')));
}

/** Every occurrence of `needle` in `part` (left to right, not overlapping) replaced by `replacement`; `part` itself when there is none. */
function replaced(part: Buffer, needle: Buffer, replacement: Buffer): Buffer {
  const found: number[] = [];
  for (let at = part.indexOf(needle); at >= 0; at = part.indexOf(needle, at + needle.length)) found.push(at);
  if (found.length === 0) return part;
  const out = Buffer.allocUnsafe(part.length + found.length * (replacement.length - needle.length));
  let from = 0;
  let written = 0;
  for (const at of found) {
    written += part.copy(out, written, from, at);
    written += replacement.copy(out, written);
    from = at + needle.length;
  }
  part.copy(out, written, from);
  return out;
}

/** Whether a part may be hidden: it holds none of the sentinel bytes (never so for JSON.stringify's output). */
export function canHide(part: Buffer): boolean {
  for (const sentinel of SENTINELS) if (part.indexOf(sentinel[0]!) >= 0) return false;
  return true;
}

/** The part with each known value replaced by its sentinel; the caller checked canHide. */
export function hideKnownIds(part: Buffer, ids: KnownIds): Buffer {
  let out = part;
  hiddenValues(ids).forEach((value, i) => {
    if (value !== null) out = replaced(out, value, SENTINELS[i]!);
  });
  return out;
}

/** hideKnownIds undone: the sentinels replaced back, last first. */
export function restoreKnownIds(part: Buffer, ids: KnownIds): Buffer {
  if (canHide(part)) return part;
  let out = part;
  const values = hiddenValues(ids);
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null && value !== undefined) out = replaced(out, SENTINELS[i]!, value);
  }
  return out;
}
