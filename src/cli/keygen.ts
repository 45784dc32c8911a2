/**
 * A new caller key:
 *
 *   npm run keygen -- --role billing --hospital PY-COUNTY [--id billing-PY-COUNTY-desk2] [--keys-file secrets/api-keys.json]
 *   npm run keygen -- --role referral --region pingyang
 *   npm run keygen -- --role admin [--id ops-alice]
 *   node dist/cli/keygen.js …                                   (the image)
 *
 * Prints the key once (give it to the caller) and the line to add to the
 * API_KEYS_FILE (only its SHA-256 is stored); then SIGHUP reloads the file.
 * The id names the key in logs and in GET /v1/me and must be unique in the
 * file (the server refuses a file with a duplicate): without --id it is the
 * role and hospital or region, the date and a random suffix, so a second key
 * of a hospital (rotation, a second desk) gets its own. --keys-file checks
 * the new line against the file as the server will load it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KeyRing, generateKey, sha256Hex } from '../ops/api-keys.js';

const USAGE = 'usage: keygen --role billing|referral|admin [--hospital ID] [--region REGION] [--id NAME] [--keys-file FILE]';

function fail(message: string, code = 1): never {
  process.stderr.write(`keygen: ${message}\n`);
  process.exit(code);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      hospital: { type: 'string' },
      region: { type: 'string' },
      id: { type: 'string' },
      'keys-file': { type: 'string' },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}

/** billing-PY-COUNTY-20261202-3fa9: who, since when, and distinct from every earlier key of the same caller. */
function defaultId(prefix: string): string {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  return `${prefix}-${day}-${randomBytes(2).toString('hex')}`;
}

const role = values.role;
let entry: Record<string, string>;
const key = generateKey();
const sha256 = sha256Hex(key);
switch (role) {
  case 'billing':
    if (!values.hospital) fail('--hospital <hospitalId> is required for a billing key', 2);
    entry = { id: values.id ?? defaultId(`billing-${values.hospital}`), role, hospitalId: values.hospital, sha256 };
    break;
  case 'referral':
    if (!values.region) fail('--region <region> is required for a referral key', 2);
    entry = { id: values.id ?? defaultId(`referral-${values.region}`), role, region: values.region, sha256 };
    break;
  case 'admin':
    entry = { id: values.id ?? defaultId('admin'), role, sha256 };
    break;
  default:
    fail(USAGE, 2);
}
try {
  const existing = values['keys-file'] ? (JSON.parse(readFileSync(values['keys-file'], 'utf8')) as unknown) : [];
  if (!Array.isArray(existing)) fail(`${values['keys-file']}: expected a JSON array of keys`);
  // Validates the entry as the server will, with the file's keys beside it (a duplicate id is refused there).
  KeyRing.fromEntries([...existing, entry], values['keys-file'] ?? 'the new key');
} catch (error) {
  fail((error as Error).message);
}
process.stdout.write(`key (give to the caller, shown once): ${key}\n`);
process.stdout.write(`add to API_KEYS_FILE, then kill -HUP the service:\n${JSON.stringify(entry)}\n`);
