/**
 * A gzip file inflated straight into memory the reader lends, a window at a
 * time, without a buffer per chunk. Gunzip as a stream gives each 128 KB of
 * output a new buffer; under the simulate command's heap cap that external
 * memory kept V8 marking the whole heap (about one full GC per 10 MB read,
 * most of the reading thread's CPU). zlib's own synchronous step (the one
 * `zlib.gunzipSync` uses) writes into a given buffer; when this Node has no
 * such step, the stream is read and copied instead.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { constants, createGunzip, type Gunzip } from 'node:zlib';

export interface Inflater {
  /** Inflates the next bytes into `out` from `at` to at most `end`: how many, 0 once the file is done. */
  into(out: Buffer, at: number, end: number): Promise<number>;
  close(): Promise<void>;
}

/** What `zlib.gunzipSync` drives (lib/zlib.js processChunkSync): not public, so checked before use. */
interface ZlibStep {
  writeSync(flush: number, input: Buffer, inOff: number, inLen: number, out: Buffer, outOff: number, outLen: number): void;
}

const INPUT_BYTES = 1 << 20;

export async function gunzipInto(file: string, { stream = false } = {}): Promise<Inflater> {
  const gunzip = createGunzip();
  const internals = gunzip as unknown as { _handle?: Partial<ZlibStep>; _writeState?: unknown };
  const handle = internals._handle;
  const state = internals._writeState;
  if (stream || typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array) || state.length < 2) {
    gunzip.close();
    return streamed(file);
  }
  return stepped(await open(file, 'r'), gunzip, handle as ZlibStep, state);
}

function stepped(fd: FileHandle, gunzip: Gunzip, handle: ZlibStep, state: Uint32Array): Inflater {
  // zlib reports a damaged stream by destroying the object with the error, within writeSync (the event comes later).
  gunzip.on('error', () => {});
  const input = Buffer.allocUnsafeSlow(INPUT_BYTES);
  let inOff = 0;
  let inLen = 0;
  let eof = false;
  let finished = false;
  return {
    async into(out, at, end) {
      const room = Math.min(end, out.length) - at;
      if (room <= 0) throw new RangeError('no room to inflate into');
      while (!finished) {
        if (inLen === 0 && !eof) {
          const { bytesRead } = await fd.read(input, 0, INPUT_BYTES, null);
          inOff = 0;
          inLen = bytesRead;
          eof = bytesRead === 0;
        }
        // At the end of the file Z_FINISH: a stream cut short is then an error ("unexpected end of file").
        handle.writeSync(eof ? constants.Z_FINISH : constants.Z_NO_FLUSH, input, inOff, inLen, out, at, room);
        if (gunzip.errored) throw gunzip.errored;
        const written = room - state[0]!;
        const consumed = inLen - state[1]!;
        inOff += consumed;
        inLen -= consumed;
        // Room left and input left untouched: the stream has ended (bytes after it are ignored, as gunzip does).
        if ((eof || (consumed === 0 && inLen > 0)) && written < room) finished = true;
        if (written > 0) return written;
      }
      return 0;
    },
    async close() {
      gunzip.close();
      await fd.close();
    },
  };
}

function streamed(file: string): Inflater {
  const compressed = createReadStream(file, { highWaterMark: INPUT_BYTES });
  const chunks = compressed.pipe(createGunzip({ chunkSize: 1 << 17 }));
  const iterator = chunks[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let chunk: Buffer | null = null;
  let offset = 0;
  return {
    async into(out, at, end) {
      if (chunk === null || offset === chunk.length) {
        const next = await iterator.next();
        if (next.done) return 0;
        chunk = next.value;
        offset = 0;
      }
      const n = Math.min(chunk.length - offset, Math.min(end, out.length) - at);
      chunk.copy(out, at, offset, offset + n);
      offset += n;
      return n;
    },
    async close() {
      // pipe() does not pass a destroy on: both streams are ended here (a stream already closed is left alone).
      await Promise.all(
        [chunks, compressed].map((stream) => {
          if (stream.closed) return;
          const closed = once(stream, 'close').catch(() => {});
          stream.destroy();
          return closed;
        }),
      );
    },
  };
}
