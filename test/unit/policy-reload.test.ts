/**
 * Policies reload like catalogues (src/policy/loader.ts reloadPolicyDirectory):
 * a bad file keeps what was loaded from it and says why, a good one takes
 * effect with a new version (the sha256 of its text), a file added is a new
 * region with no code change, and a set of files that cannot stand together
 * changes nothing. Holders of the catalog see the new policies at once.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicyDirectory, reloadPolicyDirectory } from '../../src/policy/loader.js';
import { POLICY_DIR } from '../helpers/worked-examples.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'policy-reload-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function copyOfShipped(): string {
  const dir = mkdtempSync(path.join(scratch, 'p-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  return dir;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A new region from a shipped file: only its id, region and name change. */
function newRegionFrom(text: string, id: string, region: string, name: string): string {
  return text
    .replace(/^id: .*$/m, `id: ${id}`)
    .replace(/^region: .*$/m, `region: ${region}`)
    .replace(/^name: .*$/m, `name: ${name}`);
}

describe('policy versions', () => {
  it('each loaded policy carries the sha256 of its file, as sha256sum prints it', () => {
    const catalog = loadPolicyDirectory(POLICY_DIR);
    for (const entry of catalog.entries) {
      expect(entry.version).toBe(sha256(readFileSync(entry.file, 'utf8')));
      expect(catalog.versionOf(entry.policy.id)).toBe(entry.version);
    }
    expect(catalog.versionOf('nowhere-2019')).toBeNull();
  });
});

describe('reloadPolicyDirectory', () => {
  it('a bad file keeps the policy loaded from it, names the file and the fault; the others take effect', () => {
    const dir = copyOfShipped();
    const catalog = loadPolicyDirectory(dir);
    const ids = catalog.policies.map((p) => p.id).sort();
    const [first, second] = catalog.entries;
    const before = first!.version;
    writeFileSync(first!.file, 'id: [unclosed\n');
    const edited = `${readFileSync(second!.file, 'utf8')}\n# a comment changes the text, so the version\n`;
    writeFileSync(second!.file, edited);

    const { catalog: next, errors } = reloadPolicyDirectory(dir, catalog);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^policy file .*${path.basename(first!.file)}: not valid YAML`));
    expect(next).not.toBeNull();
    expect(next!.policies.map((p) => p.id).sort()).toEqual(ids);
    expect(next!.versionOf(first!.policy.id)).toBe(before);
    expect(next!.get(first!.policy.id)!.policy).toBe(first!.policy);
    expect(next!.versionOf(second!.policy.id)).toBe(sha256(edited));
  });

  it('adopting the result is seen by every holder of the catalog, a new region included', () => {
    const dir = copyOfShipped();
    const catalog = loadPolicyDirectory(dir);
    const holder = { catalog };
    const template = catalog.entries[0]!;
    const text = newRegionFrom(
      readFileSync(template.file, 'utf8'),
      `lianhua-${template.policy.benefitYear}`,
      'lianhua',
      `莲花县${template.policy.benefitYear}年城乡居民基本医疗保险`,
    );
    writeFileSync(path.join(dir, `lianhua-${template.policy.benefitYear}.yaml`), text);

    const { catalog: next, errors } = reloadPolicyDirectory(dir, catalog);
    expect(errors).toEqual([]);
    catalog.adopt(next!);
    expect(holder.catalog.get(`lianhua-${template.policy.benefitYear}`)?.version).toBe(sha256(text));
    expect(holder.catalog.regions.map((r) => r.region)).toContain('lianhua');
    expect(holder.catalog.regions.find((r) => r.region === 'lianhua')!.names).toEqual([`莲花县${template.policy.benefitYear}年城乡居民基本医疗保险`]);
  });

  it('a removed file takes its policy away; a new file that fails is not loaded', () => {
    const dir = copyOfShipped();
    const catalog = loadPolicyDirectory(dir);
    const [gone] = catalog.entries;
    unlinkSync(gone!.file);
    writeFileSync(path.join(dir, 'broken-2019.yaml'), 'id: broken-2019\n');
    const { catalog: next, errors } = reloadPolicyDirectory(dir, catalog);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^policy file .*broken-2019\.yaml: /);
    expect(next!.get(gone!.policy.id)).toBeUndefined();
    expect(next!.get('broken-2019')).toBeUndefined();
    expect(next!.policies).toHaveLength(catalog.policies.length - 1);
  });

  it('files that cannot stand together (two for one region and year), or an empty directory, change nothing', () => {
    const dir = copyOfShipped();
    const catalog = loadPolicyDirectory(dir);
    const template = catalog.entries[0]!;
    const twinId = `${template.policy.region}-amended-${template.policy.benefitYear}`;
    writeFileSync(path.join(dir, `${twinId}.yaml`), readFileSync(template.file, 'utf8').replace(/^id: .*$/m, `id: ${twinId}`));
    const clash = reloadPolicyDirectory(dir, catalog);
    expect(clash.catalog).toBeNull();
    expect(clash.errors.at(-1)).toMatch(/both cover/);

    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    const none = reloadPolicyDirectory(empty, catalog);
    expect(none.catalog).toBeNull();
    expect(none.errors).toEqual([expect.stringMatching(/no policy files/)]);
    expect(catalog.policies.map((p) => p.id)).toContain(template.policy.id);
  });
});
