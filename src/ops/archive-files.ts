/**
 * The files of a benefit-year archive: gzip-compressed NDJSON (one JSON
 * object a line) and a manifest with each file's SHA-256, line count and size.
 * An archive is written into `<name>.partial/`, fsynced, and only then renamed
 * to `<name>/` (a rename is atomic), so a directory named like an archive is
 * always complete; its checksums are verified before anything relies on it.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, openSync, fsyncSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { createGunzip, createGzip } from 'node:zlib';

export interface FileSummary {
  sha256: string;
  lines: number;
  bytes: number;
}

/** Writes one NDJSON.gz file, hashing the compressed bytes as they go to disk. */
export class NdjsonGzWriter {
  private readonly gzip = createGzip({ level: 9 });
  private readonly out: ReturnType<typeof createWriteStream>;
  private readonly hash = createHash('sha256');
  private bytes = 0;
  lines = 0;

  constructor(readonly file: string) {
    this.out = createWriteStream(file);
    this.gzip.on('data', (chunk: Buffer) => {
      this.hash.update(chunk);
      this.bytes += chunk.length;
    });
    this.gzip.pipe(this.out);
  }

  async write(value: unknown): Promise<void> {
    this.lines++;
    if (!this.gzip.write(`${JSON.stringify(value)}\n`)) await once(this.gzip, 'drain');
  }

  async close(): Promise<FileSummary> {
    this.gzip.end();
    await once(this.out, 'close');
    const fd = openSync(this.file, 'r');
    fsyncSync(fd);
    closeSync(fd);
    return { sha256: this.hash.digest('hex'), lines: this.lines, bytes: this.bytes };
  }
}

/** The lines of an NDJSON.gz file, parsed, in order. */
export async function* readNdjsonGz<T>(file: string): AsyncGenerator<T> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as T;
}

export async function fileSha256(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function archivePaths(outDir: string, name: string): { final: string; partial: string } {
  return { final: path.join(outDir, name), partial: path.join(outDir, `${name}.partial`) };
}

/** A fresh `<name>.partial/` (whatever an interrupted run left there is dropped). */
export function startPartial(outDir: string, name: string): string {
  const { partial } = archivePaths(outDir, name);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  return partial;
}

export function writeManifest(dir: string, manifest: unknown): string {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, text);
  const fd = openSync(file, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return createHash('sha256').update(text).digest('hex');
}

export function readManifest<T>(dir: string): { manifest: T; sha256: string } {
  const text = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
  return { manifest: JSON.parse(text) as T, sha256: createHash('sha256').update(text).digest('hex') };
}

/** `<name>.partial/` → `<name>/`, made durable (fsync of the parent directory). */
export function publish(outDir: string, name: string): string {
  const { final, partial } = archivePaths(outDir, name);
  renameSync(partial, final);
  const fd = openSync(outDir, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return final;
}

export function archiveExists(outDir: string, name: string): boolean {
  return existsSync(path.join(archivePaths(outDir, name).final, 'manifest.json'));
}

/** Each file's SHA-256 and size equal the manifest's; the first difference, or null. */
export async function checkFiles(dir: string, files: Record<string, FileSummary>): Promise<string | null> {
  for (const [name, expected] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (!existsSync(file)) return `${name} is missing`;
    const { sha256, bytes } = await fileSha256(file);
    if (sha256 !== expected.sha256 || bytes !== expected.bytes) return `${name}: checksum or size differs from the manifest`;
  }
  return null;
}
