/**
 * A raw deflate that keeps one zlib state for all the parts it is given:
 * `deflateRawSync` builds a stream object and a fresh zlib state per call
 * (~256 kB at windowBits 15, memLevel 8: allocated, tracked as external
 * memory, freed), which cost more than deflating a ~2.7 kB answer. Between
 * parts the state is reset, which primes the preset dictionary again, so each
 * part is a whole raw stream that inflates alone, as before.
 *
 * It drives zlib's own synchronous step (the one `deflateRawSync` uses,
 * lib/zlib.js processChunkSync; see src/simulate/gunzip-into.ts): not public,
 * so checked before use; without it, or after any zlib error, `deflateRawSync`.
 *
 * Deflated bytes may differ by a few from a fresh state's (zlib's match
 * search reads past the input's end into the window, where a fresh state has
 * zeros and a kept one the previous part); inflated, they are the same part.
 */
import { constants, createDeflateRaw, type DeflateRaw, deflateRawSync, type ZlibOptions } from 'node:zlib';

/** What `zlib.deflateRawSync` drives, and `reset` (deflateReset, then the dictionary again). */
interface ZlibStep {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
  reset(): void;
}

export interface KeptDeflateOptions {
  level: number;
  dictionary?: Buffer | undefined;
  /** Output chunk of the fallback (see settlement-record.ts). */
  chunkSize: number;
  /** Parts up to this many bytes use the kept state; larger ones deflateRawSync. */
  maxPartBytes: number;
}

export type RawDeflate = (part: Buffer) => Buffer;

interface Kept {
  stream: DeflateRaw;
  handle: ZlibStep;
  state: Uint32Array;
}

function keep(options: ZlibOptions): Kept | null {
  const stream = createDeflateRaw(options);
  const internals = stream as unknown as { _handle?: Partial<ZlibStep>; _writeState?: unknown };
  const handle = internals._handle;
  const state = internals._writeState;
  if (typeof handle?.writeSync !== 'function' || typeof handle.reset !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    stream.close();
    return null;
  }
  // zlib reports an error by destroying the stream with it, within writeSync (the event comes later).
  stream.on('error', () => {});
  return { stream, handle: handle as ZlibStep, state };
}

export function keptRawDeflate({ level, dictionary, chunkSize, maxPartBytes }: KeptDeflateOptions): RawDeflate {
  const options: ZlibOptions = { ...(dictionary ? { dictionary } : {}), level };
  const fallback = (part: Buffer) => deflateRawSync(part, { ...options, chunkSize });
  // zlib's bound for a part that does not compress (stored blocks), with room to spare.
  const out = Buffer.allocUnsafeSlow(maxPartBytes + (maxPartBytes >> 8) + 1024);
  let kept: Kept | null | undefined;
  return (part) => {
    if (part.length > maxPartBytes) return fallback(part);
    if (kept === undefined) kept = keep(options);
    if (kept === null) return fallback(part);
    const { stream, handle, state } = kept;
    if (!stream.errored) handle.writeSync(constants.Z_FINISH, part, 0, part.length, out, 0, out.length);
    // An error, or not finished within the bound (never expected): the fresh path settles it, and is kept to.
    if (stream.errored || state[1] !== 0 || state[0] === 0) {
      if (!stream.errored) stream.close();
      kept = null;
      return fallback(part);
    }
    const deflated = Buffer.from(out.subarray(0, out.length - state[0]!));
    handle.reset();
    return deflated;
  };
}
