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
const SENTINELS = ['\u0001', '\u0002'] as const;
const CONTROL = /[\u0000-\u001f]/;

/** The values as latin1 strings of their UTF-8 bytes (a byte-for-byte replacement), null where one is not hidden. */
function hiddenValues({ settlementId, card }: KnownIds): (string | null)[] {
  return [settlementId, card].map((value) => (value === '' || CONTROL.test(value) ? null : Buffer.from(value, 'utf8').toString('latin1')));
}

/** Whether a part may be hidden: it holds none of the sentinel bytes (never so for JSON.stringify's output). */
export function canHide(part: Buffer): boolean {
  for (const sentinel of SENTINELS) if (part.indexOf(sentinel.charCodeAt(0)) >= 0) return false;
  return true;
}

/** The part with each known value replaced by its sentinel; the caller checked canHide. */
export function hideKnownIds(part: Buffer, ids: KnownIds): Buffer {
  let text = part.toString('latin1');
  const values = hiddenValues(ids);
  values.forEach((value, i) => {
    if (value !== null) text = text.split(value).join(SENTINELS[i]!);
  });
  return Buffer.from(text, 'latin1');
}

/** hideKnownIds undone: the sentinels replaced back, last first. */
export function restoreKnownIds(part: Buffer, ids: KnownIds): Buffer {
  if (canHide(part)) return part;
  let text = part.toString('latin1');
  const values = hiddenValues(ids);
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    // split/join, not replaceAll: a replacement string's `$&` or `$$` would be read as a pattern.
    if (value !== null && value !== undefined) text = text.split(SENTINELS[i]!).join(value);
  }
  return Buffer.from(text, 'latin1');
}
