/**
 * npm run import -- enrollees|hospitals|referrals <file> [options]
 *
 * Loads the registry from a CSV (Chinese or English headers, see
 * src/import/mapping.ts) or NDJSON file (the API's row shape), streamed in
 * bounded memory, each row validated with the API's own schemas and written
 * in pipelined batches through the same data-access layer as the service.
 * Safe to re-run: the same file again changes nothing. Ctrl-C stops after
 * the batch in flight, writes the report and exits 130; a second Ctrl-C
 * quits at once (each record is one command, so none is half-written).
 *
 * Writes <file>.import-report.csv (UTF-8 with a BOM; every rejected row:
 * line, key, field, the column's Chinese header, the bad value, the reason in
 * Chinese) and <file>.import-summary.json. Exit: 0 all rows applied,
 * 2 some rows rejected, 130 interrupted, 1 the file or Redis failed.
 *
 * Redis: REDIS_URL / REDIS_CLUSTER_NODES as for the server. Regions in a
 * CSV's 统筹区 column are recognised by the policies in POLICY_DIR (as for
 * the server): by id, division code or the place their names start with.
 */
import { closeSync, createReadStream, createWriteStream, openSync, readSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import { csvRows } from '../import/csv.js';
import { chineseHeaderOf, HeaderError, regionNamesOf, type HeaderMapping, type RegionNames } from '../import/mapping.js';
import { say } from '../messages/index.js';
import { ndjsonRows, type NdjsonItem } from '../import/ndjson.js';
import { importRows, type ImportSummary, type RowResult } from '../import/pipeline.js';
import { IMPORT_KINDS, type ImportKind } from '../import/rows.js';
import { regionsOfPolicyDirectory } from '../import/regions.js';
import { RegistryBulk } from '../service/registry-bulk.js';
import type { ScriptedClient } from '../store/redis.js';
import { openRepositories } from '../store/repositories.js';
import { connectToolRedis } from './redis-connection.js';

const USAGE = `usage: npm run import -- enrollees|hospitals|referrals <file> [options]

  --format csv|ndjson     default: from the file name (.ndjson/.jsonl → ndjson, else csv)
  --encoding utf8|gb18030 the file's text encoding (GBK exports: gb18030); default utf8
  --delimiter <char>      CSV cell separator; default ","
  --batch <n>             rows per pipelined batch; default 1000
  --report <path>         default: <file>.import-report.csv (the summary goes beside it as .json)
  --quiet                 no progress bar

Redis from REDIS_URL (redis://host:port, redis-cluster://h1:p1,h2:p2) or REDIS_CLUSTER_NODES, as the server.
Regions (统筹区: 平阳县, 330326, pingyang …) are those of the policies in POLICY_DIR (default config/policies).
In the production container: docker compose run --rm -v "$PWD/registry:/in" settlement node dist/cli/import.js enrollees /in/file.csv`;

/** A line of NDJSON or a CSV cell may be this long. */
const MAX_ROW_BYTES = 65_536;

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(1);
}

/** Counts the bytes read (for the progress bar) as they pass, and decodes another text encoding to UTF-8. */
function reader(file: string, encoding: string, onBytes: (n: number) => void): Readable {
  const input = createReadStream(file, { highWaterMark: 256 * 1024 });
  input.on('data', (chunk) => onBytes(chunk.length));
  if (encoding === 'utf8' || encoding === 'utf-8') return input;
  const decoder = new TextDecoder(encoding);
  const decoded = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true })));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode()));
    },
  });
  input.on('error', (error) => decoded.destroy(error));
  return input.pipe(decoded);
}

/** The byte offset where the file's first 64 KiB stop being UTF-8, or null (a character cut at the end is fine). */
function notUtf8At(file: string): number | null {
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(file, 'r');
  let length: number;
  try {
    length = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, length), { stream: true });
    return null;
  } catch {
    // Where: the longest prefix that decodes.
    let low = 0;
    let high = length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, mid), { stream: true });
        low = mid;
      } catch {
        high = mid - 1;
      }
    }
    return low;
  }
}

/** The report's column: the file's own header when Chinese, else the field's Chinese header with the file's beside it. */
function reportColumn(kind: ImportKind, mapping: HeaderMapping | null, field: string): string {
  if (field === '(row)') return '';
  const own = mapping?.columnOf(field) ?? '';
  if (/[^\x00-\x7f]/.test(own)) return own;
  const chinese = chineseHeaderOf(kind, field);
  return own && own !== chinese ? `${chinese}（${own}）` : chinese;
}

async function writeLine(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      encoding: { type: 'string', default: 'utf8' },
      delimiter: { type: 'string', default: ',' },
      batch: { type: 'string', default: '1000' },
      report: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [kindArg, file] = positionals;
  if (!kindArg || !IMPORT_KINDS.includes(kindArg as ImportKind) || !file || positionals.length !== 2) fail(USAGE);
  const kind = kindArg as ImportKind;
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const format = values.format ?? (/\.(nd)?jsonl?$|\.ndjson$/i.test(file) ? 'ndjson' : 'csv');
  if (format !== 'csv' && format !== 'ndjson') fail(`--format is csv or ndjson, not ${format}`);
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) fail('--batch is a whole number from 1 to 10000');
  try {
    new TextDecoder(values.encoding);
  } catch {
    fail(`unknown --encoding ${values.encoding}`);
  }
  // A GBK export read as UTF-8 fails later as "no column for card": say what it is, and the option that reads it.
  if (values.encoding === 'utf8' || values.encoding === 'utf-8') {
    const offset = notUtf8At(file);
    if (offset !== null) fail(`${say('import.notUtf8', { file, offset })}\n${say('import.notUtf8', { file, offset }, 'en')}`);
  }
  let regions: RegionNames;
  try {
    regions = regionNamesOf(await regionsOfPolicyDirectory(process.env.POLICY_DIR ?? 'config/policies'));
  } catch (error) {
    fail(`the policies name the regions: ${(error as Error).message}`);
  }
  const reportPath = values.report ?? `${file}.import-report.csv`;
  const summaryPath = values.report ? `${reportPath.replace(/\.csv$/i, '')}.summary.json` : `${file}.import-summary.json`;

  let redis: ScriptedClient;
  try {
    redis = await connectToolRedis('import', { connectionName: 'registry-import', commandTimeoutMs: 30_000 });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const bulk = new RegistryBulk(openRepositories(redis));

  // Ctrl-C: finish the batch in flight, write the report, exit 130. Twice: now.
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) {
      process.stderr.write('\nimport: stopped at once\n');
      process.exit(130);
    }
    stopping = true;
    process.stderr.write('\nimport: stopping after the batch in flight (Ctrl-C again to quit at once)…\n');
  });
  process.on('SIGTERM', () => {
    stopping = true;
  });

  let bytes = 0;
  const started = Date.now();
  const bar =
    values.quiet || !process.stderr.isTTY
      ? null
      : new cliProgress.SingleBar(
          {
            format: `${kind} |{bar}| {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}`,
            etaBuffer: 50,
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
  bar?.start(Math.max(size, 1), 0, { rows: 0, rate: 0 });

  let mapping: HeaderMapping | null = null;
  const input = reader(file, values.encoding, (n) => (bytes += n));
  const rowsOf: AsyncIterable<NdjsonItem[]> =
    format === 'csv'
      ? csvRows(kind, input, { delimiter: values.delimiter, maxRecordBytes: MAX_ROW_BYTES, regions, onHeader: (m) => (mapping = m) })
      : ndjsonRows(input, MAX_ROW_BYTES);
  // A refused header ends the source (the pipeline notes it as the source's failure): kept to say it in Chinese.
  let headerError: HeaderError | null = null;
  const rows$ = rowsOf[Symbol.asyncIterator]();
  const source: AsyncIterable<NdjsonItem[]> = {
    [Symbol.asyncIterator]: () => ({
      next: () =>
        rows$.next().catch((error: unknown) => {
          if (error instanceof HeaderError) headerError = error;
          throw error;
        }),
      return: (value?: unknown) => rows$.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }),
    }),
  };

  const report = createWriteStream(reportPath);
  // A BOM: Excel then reads the report's Chinese as UTF-8.
  await writeLine(report, `\uFEFF${say('import.report.header')}\n`);
  let rows = 0;
  const onResults = async (results: RowResult[]) => {
    rows += results.length;
    let text = '';
    for (const result of results) {
      if (result.outcome !== 'rejected') continue;
      (result.errors ?? []).forEach((error, i) => {
        const reason = result.reasons?.[i];
        const column = reportColumn(kind, mapping as HeaderMapping | null, error.path);
        text += stringify([[result.line, result.key ?? '', error.path, column, reason?.value ?? '', reason?.zh ?? error.message].map(inertCell)]);
      });
    }
    if (text) await writeLine(report, text);
    const seconds = (Date.now() - started) / 1000;
    bar?.update(Math.min(bytes, size), { rows, rate: Math.round(rows / Math.max(seconds, 0.001)) });
  };

  let summary: ImportSummary;
  try {
    summary = await importRows(kind, bulk, source, { batchSize, shouldStop: () => stopping, onResults });
  } catch (error) {
    bar?.stop();
    report.end();
    redis.disconnect();
    const reason =
      error instanceof HeaderError ? `${say('import.header', { reason: error.zh })}\n${say('import.header', { reason: error.message }, 'en')}` : (error as Error).message;
    fail(`${reason}${error instanceof HeaderError ? '' : ' (rows with a result in the report were written; re-run the file to finish: it changes nothing already applied)'}`);
  }
  bar?.update(summary.interrupted ? Math.min(bytes, size) : size, { rows });
  bar?.stop();
  report.end();
  await once(report, 'finish');
  const seconds = (Date.now() - started) / 1000;
  const written = {
    file: path.resolve(file),
    format,
    ...summary,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(summary.rows / Math.max(seconds, 0.001)),
    report: path.resolve(reportPath),
    /** The process's peak resident memory (bounded whatever the file's size). */
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    ignoredColumns: (mapping as HeaderMapping | null)?.ignored ?? [],
  };
  writeFileSync(summaryPath, `${JSON.stringify(written, null, 2)}\n`);
  await redis.quit().catch(() => redis.disconnect());

  const line =
    `${kind}: ${summary.rows} rows in ${written.seconds} s (${written.rowsPerSecond}/s): ` +
    `${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected} rejected`;
  process.stdout.write(`${line}\n`);
  if (written.ignoredColumns.length > 0) process.stdout.write(`columns not read: ${written.ignoredColumns.join(', ')}\n`);
  if (summary.rejected > 0) process.stdout.write(`rejected rows: ${written.report}\n`);
  process.stdout.write(`summary: ${path.resolve(summaryPath)}\n`);
  if (summary.sourceError) {
    const refused = headerError as HeaderError | null;
    if (refused) process.stderr.write(`import: ${say('import.header', { reason: refused.zh })}\n`);
    process.stderr.write(`import: the file could not be read past line ${summary.lastLine}: ${summary.sourceError}\n`);
    return 1;
  }
  if (summary.interrupted) {
    process.stderr.write(`import: interrupted after line ${summary.lastLine}; every row up to it has its result; re-run the file to finish\n`);
    return 130;
  }
  return summary.rejected > 0 ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail((error as Error).stack ?? String(error)),
);

/** A cell a spreadsheet shows as text, never runs: one starting = + - @ (or tab, CR) is quoted with a leading apostrophe (OWASP CSV injection). */
export function inertCell(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
