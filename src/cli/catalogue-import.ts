/**
 * npm run catalogue:import -- <export.csv> --id <catalogueId> [--out <file>] [--rejects <file>] [--encoding gb18030]
 *
 * Reads a province's catalogue export (Chinese or canonical headers; see
 * src/catalogue/import.ts for the header table), shows progress (rows, rows/s)
 * on a terminal, writes the canonical CSV (default config/catalogues/<id>.csv)
 * and every rejected row with its line number and reason (default
 * <out without .csv>.rejected.csv). Exit 0 when the file was written (rows may
 * have been rejected: see the report), 1 when nothing could be imported.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { CatalogueImportError, importCatalogue } from '../catalogue/import.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const usage = 'usage: npm run catalogue:import -- <export.csv> --id <catalogueId> [--out <file>] [--rejects <file>] [--encoding gb18030]';

function fail(message: string): never {
  process.stderr.write(`catalogue import failed: ${message}\n`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { id: { type: 'string' }, out: { type: 'string' }, rejects: { type: 'string' }, encoding: { type: 'string' } },
  });
} catch (error) {
  fail(`${(error as Error).message}\n${usage}`);
}
const { values, positionals } = parsed;
if (positionals.length !== 1 || !values.id) fail(usage);
if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(values.id)) fail(`--id ${values.id}: expected lower-case letters, digits and "-", e.g. zhejiang-2020`);
const input = positionals[0]!;
const out = values.out ?? path.join(root, 'config/catalogues', `${values.id}.csv`);
const rejects = values.rejects ?? `${out.replace(/\.csv$/i, '')}.rejected.csv`;

// On a terminal: a bar over the bytes read, with rows and rows/s (cli-progress prints nothing elsewhere).
const bar = new cliProgress.SingleBar(
  { format: 'importing {bar} {percentage}% | {rows} rows | {rate} rows/s | {duration}s', hideCursor: true, stream: process.stderr },
  cliProgress.Presets.shades_classic,
);
const started = Date.now();
let barStarted = false;

try {
  const result = await importCatalogue({
    input,
    id: values.id,
    out,
    rejects,
    ...(values.encoding ? { encoding: values.encoding } : {}),
    onProgress: ({ rows, bytes, totalBytes }) => {
      const rate = Math.round(rows / Math.max((Date.now() - started) / 1000, 0.001));
      if (!barStarted) {
        bar.start(Math.max(totalBytes, 1), 0, { rows: 0, rate: 0 });
        barStarted = true;
      }
      bar.update(bytes, { rows, rate });
    },
  });
  if (barStarted) bar.stop();
  const relative = (file: string) => path.relative(process.cwd(), file) || file;
  process.stdout.write(
    `${result.rows} rows read in ${result.seconds.toFixed(2)} s (${Math.round(result.rows / Math.max(result.seconds, 0.001))} rows/s)\n` +
      `${result.written} written to ${relative(out)}\n` +
      `${result.rejected} rejected, each with its line number and reason, in ${relative(rejects)}\n` +
      (result.ignoredHeaders.length ? `columns not imported: ${result.ignoredHeaders.join(', ')}\n` : ''),
  );
} catch (error) {
  if (barStarted) bar.stop();
  if (error instanceof CatalogueImportError) fail(error.message);
  throw error;
}
