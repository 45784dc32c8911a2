/**
 * Reads every policy file of a directory, validates it against the schema and
 * fails with one line naming the file and the field. Each policy is one file;
 * a new benefit year is a new file. On SIGHUP a bad file keeps the policy
 * already loaded from it, like the catalogues.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { policyFileSchema, type Policy } from './schema.js';
import { PolicyCatalog, type LoadedPolicy } from './catalog.js';
import { compiledOf } from './compiled.js';

export class PolicyFileError extends Error {
  override name = 'PolicyFileError';
  /** Each problem as "path: message". */
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * A cite whose first word names its own source is kept as is: a file ("002_….txt 六(一)8",
 * "policies.md …"), a document number (发文字号 "桂医保发〔2019〕12号 第三条", GB/T 9704 form),
 * a national standard ("GB/T 2260 阳江市") or a title in book-title marks ("《…办法》第三条").
 */
const NAMES_ITS_SOURCE = /^(?:[\w.-]+\.(?:txt|md)(?=\s|$)|\S*[〔[（(]\d{4}[〕\]）)]\d+号(?=\s|$)|(?:GB|WS)(?:\/T)? \d|《)/u;

/** "三(一)1" → "000_b298e4d9608db673.txt 三(一)1", throughout the tree; a cite naming its source is kept. */
function qualifyCitations(node: unknown, document: string): unknown {
  if (Array.isArray(node)) return node.map((item) => qualifyCitations(item, document));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === 'cite' && typeof value === 'string' && !NAMES_ITS_SOURCE.test(value) ? `${document} ${value}` : qualifyCitations(value, document);
  }
  return out;
}

function formatPath(segments: readonly PropertyKey[]): string {
  return segments.map(String).join('.') || '(root)';
}

export function parsePolicyFile(fileName: string, text: string): LoadedPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false });
  } catch (error) {
    const first = `not valid YAML: ${(error as Error).message.split('\n')[0]}`;
    throw new PolicyFileError(`policy file ${fileName}: ${first}`, [first]);
  }
  const document = (raw as { document?: unknown } | null)?.document;
  const qualified = typeof document === 'string' ? qualifyCitations(raw, document) : raw;
  const result = policyFileSchema.safeParse(qualified);
  if (!result.success) {
    // Every issue, on one line (npm run policy:check lists them one per line).
    const issues = result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message.replace(/\s*\n\s*/g, ' ')}`);
    throw new PolicyFileError(`policy file ${fileName}: ${issues.join('; ')}`, issues);
  }
  const policy: Policy = result.data;
  const expectedName = `${policy.id}`;
  const baseName = path.basename(fileName).replace(/\.(ya?ml|json)$/, '');
  if (baseName !== expectedName) {
    throw new PolicyFileError(`policy file ${fileName}: id: "${policy.id}" does not match the file name`, [`id: "${policy.id}" does not match the file name`]);
  }
  // Indexed for the engine now, not on the first settlement; a reload keeps an unchanged file's policy, and so this.
  compiledOf(policy);
  return { policy, source: qualified as Record<string, unknown>, file: fileName, version: policyVersion(text) };
}

/** The version of a policy: the sha256 of its file's text, so `sha256sum` on the file tells which one a settlement used. */
export function policyVersion(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function policyFileNames(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory)
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .sort();
  } catch (error) {
    throw new PolicyFileError(`policy directory ${directory}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new PolicyFileError(`policy directory ${directory}: no policy files`);
  return names;
}

export function loadPolicyDirectory(directory: string): PolicyCatalog {
  const names = policyFileNames(directory);
  const loaded = names.map((name) => {
    const file = path.join(directory, name);
    return parsePolicyFile(file, readFileSync(file, 'utf8'));
  });
  return new PolicyCatalog(loaded);
}

/**
 * SIGHUP: reads every policy file again. A file that fails keeps the policy
 * loaded from it before (a new file that fails is not loaded); a removed file
 * takes its policy away. When the files together do not make a catalog (two
 * files for one region and year, an empty directory) nothing changes.
 * Returns the catalog to adopt (null: keep the current one) and every fault.
 */
export function reloadPolicyDirectory(directory: string, current: PolicyCatalog): { catalog: PolicyCatalog | null; errors: string[] } {
  let names: string[];
  try {
    names = policyFileNames(directory);
  } catch (error) {
    return { catalog: null, errors: [(error as Error).message] };
  }
  const previous = new Map(current.entries.map((entry) => [entry.file, entry]));
  const errors: string[] = [];
  const loaded: LoadedPolicy[] = [];
  for (const name of names) {
    const file = path.join(directory, name);
    try {
      const text = readFileSync(file, 'utf8');
      // An unchanged file keeps its parsed policy: a SIGHUP that rotates keys must not stall the event loop re-validating every policy.
      const kept = previous.get(file);
      loaded.push(kept && kept.version === policyVersion(text) ? kept : parsePolicyFile(file, text));
    } catch (error) {
      errors.push((error as Error).message);
      const kept = previous.get(file);
      if (kept) loaded.push(kept);
    }
  }
  try {
    return { catalog: new PolicyCatalog(loaded), errors };
  } catch (error) {
    return { catalog: null, errors: [...errors, `policy directory ${directory}: ${(error as Error).message}`] };
  }
}
