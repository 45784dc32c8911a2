/**
 * The settlement workload that bench/http.ts and bench/profile.ts drive: three
 * in-area hospitals, PERSONS enrollees across their regions, and bodies that
 * each settle (a new requestId, and for a person's k-th stay days of its own,
 * since one person is in one hospital at a time: STAY_OVERLAPS).
 *
 * Setup answers are checked: a benchmark of refusals measures nothing.
 */

/**
 * 3,000 by default: a run of ~60,000 settlements then gives each person ~20
 * stays in a year, a heavy user's history. BENCH_PERSONS=40000 settles each
 * ~1.5 times, the province's density bench:memory measures bytes at.
 */
export const PERSONS = Number(process.env.BENCH_PERSONS ?? 3000);

/** The environment a settlement bench starts the built service with: one process, no rate limit, no metrics listener. */
export function benchServiceEnv(redisUrl: string, keysFile: string): Record<string, string> {
  return { REDIS_URL: redisUrl, API_KEYS_FILE: keysFile, LOG_LEVEL: 'info', WORKERS: '1', RATE_LIMIT_RPS: '0', METRICS_PORT: '0' };
}

export const HOSPITALS = [
  { region: 'pingyang', hospitalId: 'PY-COUNTY', year: 2019, body: { name: '平阳县人民医院', admdvs: '330326', level: 2, kind: 'general', countyRun: true } },
  { region: 'jinjiang', hospitalId: 'JJ-CITY', year: 2018, body: { name: '晋江市医院', admdvs: '350582', level: 3, kind: 'general', countyRun: true } },
  { region: 'taiyuan', hospitalId: 'TY-L3', year: 2019, body: { name: '山西医科大学第一医院', admdvs: '140106', level: 3, kind: 'general', countyRun: false } },
] as const;

/** Below the service's per-key in-flight cap (MAX_IN_FLIGHT_PER_KEY, 32): more at once are refused 429. */
const SETUP_CONCURRENCY = 16;
/** 429 and 503 say "nothing was done, retry" (a service just started may shed while it compiles). */
const SETUP_RETRIES = 20;

/** PUT with the answer checked; retried on 429/503 after Retry-After; anything else not 2xx ends the benchmark with the answer. */
export async function put(url: string, headers: Record<string, string>, body: unknown): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { method: 'PUT', headers, body: JSON.stringify(body) });
    const text = await res.text();
    if (res.ok) return;
    if ((res.status === 429 || res.status === 503) && attempt < SETUP_RETRIES) {
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * Number(res.headers.get('retry-after') ?? 1))));
      continue;
    }
    throw new Error(`setup PUT ${new URL(url).pathname} answered ${res.status}: ${text.slice(0, 500)}`);
  }
}

/** Hospitals and enrollees BENCH0…BENCH{PERSONS-1}, region by person % 3, covered for the hospital's year. */
export async function registerWorkload(base: string, adminKey: string): Promise<void> {
  const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  for (const { hospitalId, body } of HOSPITALS) await put(`${base}/v1/hospitals/${hospitalId}`, headers, body);
  let next = 0;
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      for (let person = next++; person < PERSONS; person = next++) {
        const { region, year } = HOSPITALS[person % HOSPITALS.length]!;
        await put(`${base}/v1/enrollees/BENCH${person}`, headers, {
          region,
          sex: 'F',
          birthDate: '1970-01-01',
          coverage: [{ from: `${year}-01-01`, to: `${year}-12-31` }],
        });
      }
    }),
  );
}

const DAY_MS = 86_400_000;
const isoDay = (year: number, dayOfYear: number) => new Date(Date.UTC(year, 0, 1) + dayOfYear * DAY_MS).toISOString().slice(0, 10);

/**
 * Settlement bodies for one server: persons in rotation, a new requestId every
 * call, and the k-th stay of a person admitted on day k of the year and
 * discharged on day k+1 (the next stay's admission day: a transfer day, no
 * overlap). One factory per server for the whole benchmark, so its stays never repeat.
 */
export function settlementBodies(prefix: string): () => string {
  let n = 0;
  return () => {
    const person = n % PERSONS;
    const stay = Math.floor(n / PERSONS);
    n++;
    if (stay > 360) throw new Error(`more than 360 stays per person: raise PERSONS in ${import.meta.url}`);
    const { hospitalId, year } = HOSPITALS[person % HOSPITALS.length]!;
    return JSON.stringify({
      requestId: `${prefix}-${n}`,
      card: `BENCH${person}`,
      hospitalId,
      visitType: 'inpatient',
      admissionDate: isoDay(year, stay),
      dischargeDate: isoDay(year, stay + 1),
      charges: { total: `${1000 + (n % 50000)}.${String(n % 100).padStart(2, '0')}`, fullSelfPay: '100.00', overLimitSelfPay: '0.00', preSelfPay: '0.00' },
    });
  };
}

/** At most this share of a run's answers may be other than 2xx (errors and timeouts included) for its figures to count. */
export const MAX_REFUSED_SHARE = 0.005;

/** "201×1277 404×1240" from autocannon's statusCodeStats. */
export function statusCodes(result: unknown): string {
  return Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .map(([code, stat]) => `${code}×${stat.count}`)
    .join(' ');
}
