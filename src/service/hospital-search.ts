/**
 * Finding a registry hospital by name, national code (fixmedinsCode) or id,
 * as the referral desk picks the receiving hospital. Each process keeps a copy
 * of the store's hospital index and reloads it only when the index's version
 * moved (one HGET per search), so a keystroke never reads every hospital key;
 * matching runs over that copy, bounded by the registry's size.
 */
import type { Hospital } from '../domain/types.js';
import type { HospitalIndex } from '../store/hospital-index.js';

export interface HospitalQuery {
  /** Part of the name, the code or the id; empty: every hospital. */
  q: string;
  /** Administrative division prefix (2, 4 or 6 digits): province, city or county. */
  admdvs?: string | undefined;
  cursor: string | null;
  limit: number;
}

export interface HospitalPage {
  hospitals: Hospital[];
  /** How many hospitals match (every page). */
  total: number;
  next: string | null;
}

interface Entry {
  hospital: Hospital;
  name: string;
  code: string;
  id: string;
}

/** Width, case and spaces do not matter: "ｈ3303" finds H33032600001, "人民 医院" finds 平阳县人民医院. */
export function searchForm(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** Exact code or id first, then names that begin with the words, then names that hold them, then codes and ids that hold them. */
function rankOf(entry: Entry, q: string): number {
  if (q === '') return 0;
  if (entry.code === q || entry.id === q) return 0;
  if (entry.name.startsWith(q)) return 1;
  if (entry.name.includes(q)) return 2;
  if (entry.code.includes(q) || entry.id.includes(q)) return 3;
  return -1;
}

/** The answer's shape whatever the stored record carries (consortium and code as null when absent). */
function wireHospital(h: Hospital): Hospital {
  return {
    hospitalId: h.hospitalId,
    name: h.name,
    admdvs: h.admdvs,
    level: h.level,
    kind: h.kind,
    countyRun: h.countyRun,
    consortium: h.consortium ?? null,
    fixmedinsCode: h.fixmedinsCode ?? null,
  };
}

// Names in pinyin order, as a Chinese list is read.
const byName = new Intl.Collator('zh-Hans-CN');

export class HospitalSearch {
  private copy: { version: string; entries: Entry[] } | null = null;
  private loading: Promise<{ version: string; entries: Entry[] }> | null = null;

  constructor(private readonly index: Pick<HospitalIndex, 'version' | 'load'>) {}

  async search(query: HospitalQuery): Promise<HospitalPage> {
    const entries = await this.current();
    const q = searchForm(query.q);
    const ranked: Entry[][] = [[], [], [], []];
    for (const entry of entries) {
      if (query.admdvs && !entry.hospital.admdvs.startsWith(query.admdvs)) continue;
      const rank = rankOf(entry, q);
      if (rank >= 0) ranked[rank]!.push(entry);
    }
    const matches = ranked.flat();
    const start = query.cursor === null ? 0 : Number(query.cursor);
    const end = start + query.limit;
    return {
      hospitals: matches.slice(start, end).map((entry) => wireHospital(entry.hospital)),
      total: matches.length,
      next: end < matches.length ? String(end) : null,
    };
  }

  /** The process's copy of the index, reloaded when another write moved its version (one reload at a time). */
  private async current(): Promise<Entry[]> {
    const version = await this.index.version();
    if (this.copy?.version === version) return this.copy.entries;
    this.loading ??= this.index
      .load()
      .then(({ version: loaded, hospitals }) => {
        const entries = hospitals
          .map((hospital) => ({ hospital, name: searchForm(hospital.name), code: searchForm(hospital.fixmedinsCode ?? ''), id: searchForm(hospital.hospitalId) }))
          .sort((a, b) => byName.compare(a.hospital.name, b.hospital.name) || (a.hospital.hospitalId < b.hospital.hospitalId ? -1 : 1));
        this.copy = { version: loaded, entries };
        return this.copy;
      })
      .finally(() => {
        this.loading = null;
      });
    return (await this.loading).entries;
  }
}
