/**
 * Writes schemas/policy.schema.json, the JSON Schema of a policy file,
 * generated from the code's zod schema (the shape a file has as written, before
 * amounts become decimals), so an editor completes and checks as you type.
 * `--check` fails when the file on disk is not what the code generates.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyJsonSchema } from '../src/policy/json-schema.js';

const target = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas', 'policy.schema.json');
const text = `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== text) {
    console.error(`${target} is out of date: run npm run policy:schema`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
