/**
 * `npm run local` follows the policy directory (scripts/lib/local-demo.ts):
 * the demo data and referral keys are those of the loaded regions, whatever
 * their number, and a region added with a policy file gets a hospital and an
 * enrollee of its own so it can be tried at once.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDataFor, type DemoFiles } from '../../scripts/lib/local-demo.js';
import { enrolleeSchema, hospitalSchema } from '../../src/contract/registry.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { POLICY_DIR, ROOT } from '../helpers/worked-examples.js';

const files: DemoFiles = {
  hospitals: JSON.parse(readFileSync(path.join(ROOT, 'config/demo/hospitals.json'), 'utf8')),
  enrollees: JSON.parse(readFileSync(path.join(ROOT, 'config/demo/enrollees.json'), 'utf8')),
  referrals: JSON.parse(readFileSync(path.join(ROOT, 'config/demo/referrals.json'), 'utf8')),
};
const scratch = mkdtempSync(path.join(tmpdir(), 'local-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function policyDir(change: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(scratch, 'p-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  change(dir);
  return dir;
}

describe('demo data of npm run local', () => {
  it('the shipped policies: every demo enrollee and filing, one stay per region with a hospital of its division', () => {
    const catalog = loadPolicyDirectory(POLICY_DIR);
    const data = demoDataFor(catalog, files);
    expect(data.regions).toEqual(catalog.regions.map((r) => r.region));
    expect(data.madeUp).toEqual([]);
    expect(Object.keys(data.enrollees)).toHaveLength(Object.keys(files.enrollees).length);
    expect(data.referrals).toEqual(files.referrals);
    for (const stay of data.stays) {
      expect(data.enrollees[stay.card]!.region).toBe(stay.region);
      expect(data.hospitals[stay.hospitalId]!.admdvs.startsWith(catalog.divisionOf(stay.region)!.replace(/(00)+$/, ''))).toBe(true);
    }
  });

  it('a policy directory without some seed region: its enrollees and filings are left out', () => {
    const kept = loadPolicyDirectory(POLICY_DIR).entries[0]!;
    const dir = policyDir((d) => {
      for (const entry of loadPolicyDirectory(POLICY_DIR).entries) if (entry.policy.id !== kept.policy.id) unlinkSync(path.join(d, path.basename(entry.file)));
    });
    const data = demoDataFor(loadPolicyDirectory(dir), files);
    expect(data.regions).toEqual([kept.policy.region]);
    expect(Object.values(data.enrollees).every((e) => e.region === kept.policy.region)).toBe(true);
    expect(data.referrals.every((r) => r.card in data.enrollees)).toBe(true);
    expect(data.stays.map((s) => s.region)).toEqual([kept.policy.region]);
  });

  it('a region added with a policy file gets a hospital of its division and an enrollee covered for its year, valid for the API', () => {
    const template = loadPolicyDirectory(POLICY_DIR).entries[0]!;
    const year = template.policy.benefitYear;
    const dir = policyDir((d) => {
      const text = readFileSync(template.file, 'utf8')
        .replace(/^id: .*$/m, `id: lianhua-${year}`)
        .replace(/^region: .*$/m, 'region: lianhua')
        .replace(/^name: .*$/m, `name: 莲花县${year}年城乡居民基本医疗保险`)
        .replace(/^(insuranceDivision:\n(?:\s+#.*\n)*\s+admdvs: )"\d+"/m, '$1"360321"');
      writeFileSync(path.join(d, `lianhua-${year}.yaml`), text);
    });
    const data = demoDataFor(loadPolicyDirectory(dir), files);
    expect(data.madeUp).toEqual(['lianhua']);
    const stay = data.stays.find((s) => s.region === 'lianhua')!;
    expect(stay).toMatchObject({ policyId: `lianhua-${year}`, admissionDate: `${year}-03-01` });
    const hospital = data.hospitals[stay.hospitalId]!;
    expect(hospital).toMatchObject({ admdvs: '360321', name: '莲花县演示医院（二级）' });
    expect(hospitalSchema.safeParse(hospital).success).toBe(true);
    expect(enrolleeSchema.safeParse(data.enrollees[stay.card]).success).toBe(true);
    expect(stay.card).toMatch(/^36032119800101\d{4}$/);
  });
});
