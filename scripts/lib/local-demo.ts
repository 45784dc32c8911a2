/**
 * The demo data of `npm run local`, following the policy directory: the
 * enrollees and filings of config/demo/ whose region has a loaded policy, one
 * referral key per loaded region, and for a region the demo files do not know
 * (one added with a policy file) a hospital in its division and an enrollee
 * covered for its benefit year, so every loaded region can be tried at once.
 */
import type { PolicyCatalog } from '../../src/policy/catalog.js';

export interface DemoHospital {
  name: string;
  admdvs: string;
  level: number;
  kind: string;
  countyRun: boolean;
  fixmedinsCode?: string;
  [field: string]: unknown;
}

export interface DemoEnrollee {
  region: string;
  coverage: { from: string; to?: string }[];
  [field: string]: unknown;
}

export interface DemoReferral {
  card: string;
  [field: string]: unknown;
}

export interface DemoFiles {
  hospitals: Record<string, DemoHospital>;
  enrollees: Record<string, DemoEnrollee>;
  referrals: DemoReferral[];
}

export interface DemoStay {
  region: string;
  policyId: string;
  card: string;
  hospitalId: string;
  admissionDate: string;
  dischargeDate: string;
}

export interface DemoData extends DemoFiles {
  regions: string[];
  /** Regions the demo files had nothing for: given a made-up hospital and enrollee. */
  madeUp: string[];
  /** One inpatient stay per region, for the banner's examples. */
  stays: DemoStay[];
}

/** A card number of the region's division: division code, a birth date, a serial (18 characters like a resident ID). */
function madeUpCard(admdvs: string, serial: number): string {
  return `${admdvs.padEnd(6, '0').slice(0, 6)}19800101${String(serial).padStart(4, '0')}`;
}

export function demoDataFor(catalog: PolicyCatalog, files: DemoFiles): DemoData {
  const regions = catalog.regions;
  const loaded = new Set(regions.map((r) => r.region));
  const hospitals = { ...files.hospitals };
  const enrollees = Object.fromEntries(Object.entries(files.enrollees).filter(([, enrollee]) => loaded.has(enrollee.region)));
  const referrals = files.referrals.filter((referral) => referral.card in enrollees);
  const madeUp: string[] = [];
  const stays: DemoStay[] = [];
  for (const { region, admdvs } of regions) {
    const latest = catalog.policies.filter((p) => p.region === region).sort((a, b) => b.benefitYear - a.benefitYear)[0]!;
    const year = latest.benefitYear;
    const covered = (e: DemoEnrollee) => e.coverage.some((c) => c.from <= `${year}-03-10` && (!c.to || c.to >= `${year}-03-01`));
    let card = Object.keys(enrollees).find((c) => enrollees[c]!.region === region && covered(enrollees[c]!));
    // A hospital of the division: 140100 (a city) holds 140105…, 330326 (a county) only itself.
    const prefix = admdvs.replace(/(00)+$/, '');
    const inDivision = Object.keys(hospitals).filter((id) => hospitals[id]!.admdvs.startsWith(prefix));
    let hospitalId = inDivision.find((id) => hospitals[id]!.level === 2) ?? inDivision[0];
    if (!card || !hospitalId) {
      madeUp.push(region);
      if (!hospitalId) {
        hospitalId = `${region
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 12)}-DEMO`;
        hospitals[hospitalId] = { name: `${latest.name.replace(/\d.*$/, '')}演示医院（二级）`, admdvs, level: 2, kind: 'general', countyRun: true };
      }
      if (!card) {
        card = madeUpCard(admdvs, 1);
        enrollees[card] = {
          region,
          sex: 'F',
          birthDate: '1980-01-01',
          coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }],
          categories: [],
          specialDiseases: [],
          maternityInsured: false,
        };
      }
    }
    stays.push({ region, policyId: latest.id, card, hospitalId, admissionDate: `${year}-03-01`, dischargeDate: `${year}-03-10` });
  }
  return { hospitals, enrollees, referrals, regions: regions.map((r) => r.region), madeUp, stays };
}
