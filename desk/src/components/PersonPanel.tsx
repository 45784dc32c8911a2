/** The person at the window: coverage, categories, the year's accumulators against their caps, active filings. */
import { amount, share, yuan } from '../amounts.js';
import { CATEGORY, FILING_KIND, FILING_STATUS, REGION, SEX } from '../labels.js';
import type { Accumulators, Enrollee, Filing, PolicyDetail } from '../wire.js';
import { Cite } from './Cite.js';
import { HospitalName } from './HospitalName.js';

export interface PersonData {
  enrollee: Enrollee;
  year: number;
  accumulators: Accumulators | null;
  policy: PolicyDetail | null;
  /** null: the service has no list of a person's filings (yet). */
  filings: Filing[] | null;
}

interface CapRow {
  label: string;
  used: string;
  cap: string | null;
  cite: string | null;
}

type Source = Record<string, unknown>;

/** Caps as the policy file states them (GET /v1/policies/{id}: parameters with their citations). */
export function capRows(accumulators: Accumulators, policy: PolicyDetail | null, enrollee: Enrollee): CapRow[] {
  const rows: CapRow[] = [];
  const source = (policy?.source ?? {}) as Source;
  const annualCap = source.annualCap as { basis?: string; amount?: string; cite?: string } | undefined;
  if (annualCap?.amount) {
    const byFund = annualCap.basis === 'fund-payment';
    rows.push({
      label: byFund ? '统筹基金年度支付（封顶线）' : '政策范围内费用年度最高限额',
      used: byFund ? accumulators.basicPaid : accumulators.basicEligible,
      cap: annualCap.amount,
      cite: annualCap.cite ?? null,
    });
  } else {
    rows.push({ label: '统筹基金本年已支付', used: accumulators.basicPaid, cap: null, cite: null });
  }
  const critical = source.criticalIllness as { schedules?: { brackets: { from: string }[]; annualCap?: string | null }[] | null; cite?: string } | undefined;
  const schedule = critical?.schedules?.[0];
  rows.push({ label: '大病保险累计个人负担（起付标准）', used: accumulators.compliantSelfBurden, cap: schedule?.brackets[0]?.from ?? null, cite: critical?.cite ?? null });
  rows.push({ label: '大病保险本年已支付', used: accumulators.criticalIllnessPaid, cap: schedule?.annualCap ?? null, cite: critical?.cite ?? null });
  const outpatient = source.outpatientPool as { annualFundCap?: string; cite?: string } | undefined;
  if (outpatient?.annualFundCap) rows.push({ label: '普通门诊统筹本年已支付', used: accumulators.outpatientPaid, cap: outpatient.annualFundCap, cite: outpatient.cite ?? null });
  if (enrollee.categories.includes('retired-cadre-surviving-spouse')) {
    rows.push({ label: '离休干部遗偶补助本年已支付', used: accumulators.retiredCadreSpousePaid, cap: '50000', cite: null });
  }
  return rows;
}

function citeOf(policy: PolicyDetail | null, prefix: string): string | null {
  return policy?.parameters.find((parameter) => parameter.path.startsWith(prefix))?.cite ?? null;
}

export function PersonPanel({ data }: { data: PersonData }) {
  const { enrollee, accumulators, policy, filings, year } = data;
  const covered = enrollee.coverage.map((period) => `${period.from} 至 ${period.to}`).join('；') || '无';
  return (
    <section class="card person" aria-labelledby="person-title">
      <h2 id="person-title">参保人 {enrollee.card}</h2>
      <dl class="facts">
        <dt>性别</dt>
        <dd>{SEX[enrollee.sex] ?? enrollee.sex}</dd>
        <dt>出生日期</dt>
        <dd>{enrollee.birthDate}</dd>
        <dt>参保地区</dt>
        <dd>{REGION[enrollee.region] ?? enrollee.region}</dd>
        <dt>参保期</dt>
        <dd>{covered}</dd>
        <dt>人员类别</dt>
        <dd>{enrollee.categories.length ? enrollee.categories.map((c) => CATEGORY[c] ?? c).join('、') : '普通参保人员'}</dd>
        <dt>特殊病种</dt>
        <dd>{enrollee.specialDiseases.length ? enrollee.specialDiseases.join('、') : '无'}</dd>
        <dt>适用政策</dt>
        <dd>{policy ? `${policy.name}（${policy.policyId}）` : `${year} 年无适用政策`}</dd>
      </dl>
      {accumulators && (
        <table class="caps">
          <caption>
            {year} 年累计（本年第 {accumulators.admissions} 次住院已结算）
          </caption>
          <thead>
            <tr>
              <th scope="col">项目</th>
              <th scope="col">已累计</th>
              <th scope="col">限额/标准</th>
              <th scope="col">进度</th>
              <th scope="col">依据</th>
            </tr>
          </thead>
          <tbody>
            {capRows(accumulators, policy, enrollee).map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td class="num">{yuan(row.used)}</td>
                <td class="num">{row.cap ? yuan(row.cap) : '—'}</td>
                <td>
                  {row.cap ? (
                    <meter min={0} max={100} value={share(amount(row.used), amount(row.cap))} aria-label={`${row.label}进度`}>
                      {yuan(row.used)}
                    </meter>
                  ) : null}
                </td>
                <td>
                  <Cite cite={row.cite ?? citeOf(policy, 'annualCap')} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>有效备案</h3>
      {filings === null ? (
        <p class="muted">本服务暂不提供参保人备案列表；未指定备案号时，结算自动查找该参保人的有效备案。</p>
      ) : filings.filter((filing) => filing.status === 'active').length === 0 ? (
        <p class="muted" data-testid="no-filings">
          无有效备案
        </p>
      ) : (
        <ul class="filings">
          {filings
            .filter((filing) => filing.status === 'active')
            .map((filing) => (
              <li key={filing.referralId}>
                {FILING_KIND[filing.kind]} · {filing.validFrom} 至 {filing.validTo} · {filing.toHospitalId ? <HospitalName hospitalId={filing.toHospitalId} /> : '不限医院'} ·{' '}
                {FILING_STATUS[filing.status]} · <code>{filing.referralId}</code>
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}
