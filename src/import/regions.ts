/**
 * The regions the import command recognises: those of the policy files in
 * POLICY_DIR, read for their identity only (region, name, insurance
 * division). A scan of the top-level keys is enough and costs nothing next to
 * a full load (YAML and the schema: seconds on a busy machine, before the
 * first row); a file the scan cannot read is loaded in full instead, so a
 * region is never missed for the way its file is written.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface RegionIdentity {
  region: string;
  names: string[];
  admdvs: string;
}

const unquote = (value: string) => value.trim().replace(/^(["'])(.*)\1$/, '$2');

/** region, name and insuranceDivision.admdvs of a policy file's text, or null when not written plainly. */
export function scanIdentity(text: string): { region: string; name: string; admdvs: string } | null {
  const region = /^region:[ \t]*([^#\n]+)/m.exec(text)?.[1];
  const name = /^name:[ \t]*([^#\n]+)/m.exec(text)?.[1];
  let admdvs: string | undefined;
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((line) => line.startsWith('insuranceDivision:'));
  if (at >= 0) {
    admdvs = /admdvs:[ \t]*["']?(\d{6})["']?/.exec(lines[at]!)?.[1];
    // The block's indented lines, until the next top-level key.
    for (let i = at + 1; admdvs === undefined && i < lines.length && /^([ \t]|$)/.test(lines[i]!); i++) {
      admdvs = /^[ \t]+admdvs:[ \t]*["']?(\d{6})["']?[ \t]*(#.*)?$/.exec(lines[i]!)?.[1];
    }
  }
  if (!region || !name || !admdvs) return null;
  return { region: unquote(region), name: unquote(name), admdvs };
}

export async function regionsOfPolicyDirectory(directory: string): Promise<RegionIdentity[]> {
  const files = readdirSync(directory).filter((file) => /\.(ya?ml|json)$/.test(file));
  const scanned = files.map((file) => (file.endsWith('.json') ? null : scanIdentity(readFileSync(path.join(directory, file), 'utf8'))));
  if (files.length === 0 || scanned.some((identity) => identity === null)) {
    const { loadPolicyDirectory } = await import('../policy/loader.js');
    return loadPolicyDirectory(directory).regions;
  }
  const byRegion = new Map<string, RegionIdentity>();
  for (const identity of scanned as { region: string; name: string; admdvs: string }[]) {
    const entry = byRegion.get(identity.region) ?? { region: identity.region, names: [], admdvs: identity.admdvs };
    if (!entry.names.includes(identity.name)) entry.names.push(identity.name);
    byRegion.set(identity.region, entry);
  }
  return [...byRegion.values()].sort((a, b) => (a.region < b.region ? -1 : 1));
}
