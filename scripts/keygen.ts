/**
 * npm run keygen -- --role billing --hospital PY-COUNTY
 * npm run keygen -- --role referral --region pingyang
 * npm run keygen -- --role admin [--id ops-alice]
 * Prints a new random key (give it to the caller) and the line to add to the
 * API_KEYS_FILE (only its SHA-256 is stored), then send SIGHUP to reload.
 */
import { parseArgs } from 'node:util';
import { KeyRing, generateKey, sha256Hex } from '../src/ops/api-keys.js';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    hospital: { type: 'string' },
    region: { type: 'string' },
    id: { type: 'string' },
  },
});

const role = values.role;
let entry: Record<string, string>;
const key = generateKey();
const sha256 = sha256Hex(key);
switch (role) {
  case 'billing':
    if (!values.hospital) throw new Error('--hospital <hospitalId> is required for a billing key');
    entry = { id: values.id ?? `billing-${values.hospital}`, role, hospitalId: values.hospital, sha256 };
    break;
  case 'referral':
    if (!values.region) throw new Error('--region <region> is required for a referral key');
    entry = { id: values.id ?? `referral-${values.region}`, role, region: values.region, sha256 };
    break;
  case 'admin':
    entry = { id: values.id ?? 'admin', role, sha256 };
    break;
  default:
    process.stderr.write('usage: npm run keygen -- --role billing|referral|admin [--hospital ID] [--region REGION] [--id NAME]\n');
    process.exit(2);
}
KeyRing.fromEntries([entry]); // validates the entry as the server will
process.stdout.write(`key (give to the caller, shown once): ${key}\n`);
process.stdout.write(`add to API_KEYS_FILE, then kill -HUP the service:\n${JSON.stringify(entry)}\n`);
