/**
 * npm run catalogue:demo — writes the illustrative demo catalogues of
 * config/catalogues/ from scripts/lib/demo-catalogue.ts (deterministic: the
 * committed files are exactly this output). `--out <dir>` writes elsewhere.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_CATALOGUES, catalogueCsv, generateDemoCatalogue } from './lib/demo-catalogue.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'config/catalogues') } } });
const out = values.out!;
mkdirSync(out, { recursive: true });
for (const spec of DEMO_CATALOGUES) {
  const entries = generateDemoCatalogue(spec);
  const file = path.join(out, `${spec.id}.csv`);
  writeFileSync(file, catalogueCsv(entries));
  process.stdout.write(`${path.relative(process.cwd(), file)}: ${entries.length} rows\n`);
}
