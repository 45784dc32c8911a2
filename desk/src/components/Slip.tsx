/**
 * The slip (结算单) a patient takes home, A4 portrait. Every figure on it is
 * one of the settlement response's own amounts (the ratio and 大写 present
 * them); the waterfall adds up to the total.
 */
import { capitals, ratio, yuan } from '../amounts.js';
import { shanghaiTime, stayDays } from '../format.js';
import { CATEGORY, FEE_CATEGORY, FILING_KIND, FUND, HOSPITAL_LEVEL, maskCard, notesForPeople, REGION, VISIT_TYPE } from '../labels.js';
import { feeCategoryRows, fundRate, operatorLabel, patientSplit, waterfall } from '../waterfall.js';
import type { Accumulators, Enrollee, Filing, Hospital, PolicyDetail, Settlement } from '../wire.js';
import { Cite } from './Cite.js';

export interface SlipProps {
  settlement: Settlement;
  hospital: Hospital | null;
  enrollee: Enrollee | null;
  policy: PolicyDetail | null;
  filing?: Filing | null;
  reprint: boolean;
  patientName?: string;
}

const ACCUMULATOR_ROWS: [Exclude<keyof Accumulators, 'specialOutpatientCounted'>, string][] = [
  ['admissions', '住院次数'],
  ['basicEligible', '计入限额的政策范围费用'],
  ['basicPaid', '统筹基金已支付'],
  ['compliantSelfBurden', '政策范围内个人负担'],
  ['criticalIllnessPaid', '大病保险已支付'],
  ['outpatientPaid', '普通门诊统筹已支付'],
  ['retiredCadreSpousePaid', '离休干部遗偶补助已支付'],
];

function titleOf(visitType: string): string {
  return visitType === 'outpatient' || visitType === 'special-outpatient' ? '城乡居民基本医疗保险门诊结算单' : '城乡居民基本医疗保险住院结算单';
}

export function Slip({ settlement: s, hospital, enrollee, policy, filing, reprint, patientName }: SlipProps) {
  const reversed = s.status === 'reversed';
  const rows = waterfall(s, policy);
  const split = patientSplit(s);
  const categories = feeCategoryRows(s);
  const operator = operatorLabel(s.operator);
  // Patient-facing: the notes in Chinese; a settlement recorded before they were kept shows its Chinese notes only.
  const notes = s.notesZh ?? notesForPeople(s.notes);
  return (
    <article class={`slip printable${reversed ? ' slip-reversed' : ''}`} data-testid="slip" data-settlement={s.settlementId ?? ''} aria-label="结算单">
      {reversed && (
        <div class="watermark" aria-hidden="true">
          已撤销
        </div>
      )}
      <header class="slip-head">
        <div class="slip-hospital">{hospital ? `${hospital.name}（${HOSPITAL_LEVEL[hospital.level] ?? ''}医院）` : s.hospitalId}</div>
        <h2 class="slip-title">
          {titleOf(s.visitType)}
          {reprint && (
            <span class="reprint" data-testid="reprint">
              重打
            </span>
          )}
          {reversed && <span class="reversed-mark">已撤销</span>}
        </h2>
        <dl class="slip-meta">
          <dt>结算单号</dt>
          <dd data-field="settlementId">{s.settlementId}</dd>
          <dt>结算流水号</dt>
          <dd data-field="requestId">{s.requestId}</dd>
          <dt>结算时间</dt>
          <dd>{shanghaiTime(s.settledAt)}</dd>
          <dt>收费员</dt>
          <dd>{operator || <span class="blank" />}</dd>
          <dt>结算政策</dt>
          <dd data-field="policyVersion" title={s.policyVersion ? `sha256 ${s.policyVersion}` : undefined}>
            {s.policyId}
            {s.policyVersion ? ` · 版本 ${s.policyVersion.slice(0, 12)}` : ''}
          </dd>
          {reversed && (
            <>
              <dt>撤销时间</dt>
              <dd>{shanghaiTime(s.reversal?.at ?? s.reversedAt)}</dd>
              <dt>撤销原因</dt>
              <dd>{s.reversal?.reason ?? '—'}</dd>
              {s.reversal?.operator && operatorLabel(s.reversal.operator) && (
                <>
                  <dt>撤销人</dt>
                  <dd>{operatorLabel(s.reversal.operator)}</dd>
                </>
              )}
            </>
          )}
        </dl>
      </header>

      <section class="slip-section">
        <h3>参保人及就诊信息</h3>
        <table class="slip-grid">
          <tbody>
            <tr>
              <th scope="row">姓名</th>
              <td>{patientName || <span class="blank" />}</td>
              <th scope="row">社会保障卡号</th>
              <td data-field="card">{maskCard(s.card)}</td>
            </tr>
            <tr>
              <th scope="row">人员类别</th>
              <td>{enrollee ? enrollee.categories.map((c) => CATEGORY[c] ?? c).join('、') || '普通参保人员' : '—'}</td>
              <th scope="row">参保地区</th>
              <td>{enrollee ? (REGION[enrollee.region] ?? enrollee.region) : (policy?.name ?? s.policyId)}</td>
            </tr>
            <tr>
              <th scope="row">入院日期</th>
              <td>{s.admissionDate}</td>
              <th scope="row">出院日期</th>
              <td>{s.dischargeDate}</td>
            </tr>
            <tr>
              <th scope="row">住院天数</th>
              <td>{s.visitType === 'outpatient' ? '—' : stayDays(s.admissionDate, s.dischargeDate)}</td>
              <th scope="row">就诊类型</th>
              <td>
                {VISIT_TYPE[s.visitType] ?? s.visitType}
                {s.admissionOrdinal ? `（本年第 ${s.admissionOrdinal} 次住院）` : ''}
              </td>
            </tr>
            <tr>
              <th scope="row">转诊备案</th>
              <td colSpan={3}>{s.referralId ? `${filing ? FILING_KIND[filing.kind] : '备案'} ${s.referralId}` : '无'}</td>
            </tr>
          </tbody>
        </table>
      </section>

      <section class="slip-section">
        <h3>费用</h3>
        <table class="slip-fees">
          <thead>
            <tr>
              <th scope="col">项目</th>
              <th scope="col">金额（元）</th>
              <th scope="col">依据</th>
            </tr>
          </thead>
          <tbody>
            {rows
              .filter((row) => row.kind !== 'fund')
              .map((row) => (
                <tr key={row.key} class={`wf-${row.kind}`}>
                  <th scope="row">{row.label}</th>
                  <td class="num" data-field={row.key}>
                    {yuan(row.amount)}
                  </td>
                  <td>{row.cite ? <Cite cite={row.cite} /> : ''}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {categories.length > 0 && (
          <table class="slip-categories">
            <caption>按费用类别</caption>
            <thead>
              <tr>
                <th scope="col">类别</th>
                <th scope="col">金额</th>
                <th scope="col">甲类</th>
                <th scope="col">乙类</th>
                <th scope="col">丙类</th>
                <th scope="col">政策范围内</th>
              </tr>
            </thead>
            <tbody>
              {categories.map(([code, c]) => (
                <tr key={code} data-category={code}>
                  <th scope="row">{c.name ?? FEE_CATEGORY[code] ?? code}</th>
                  <td class="num">{yuan(c.total)}</td>
                  <td class="num">{yuan(c.levelA)}</td>
                  <td class="num">{yuan(c.levelB)}</td>
                  <td class="num">{yuan(c.levelC)}</td>
                  <td class="num">{yuan(c.policyScope)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="slip-section">
        <h3>医保基金支付</h3>
        <table class="slip-funds">
          <thead>
            <tr>
              <th scope="col">基金</th>
              <th scope="col">编码</th>
              <th scope="col">比例</th>
              <th scope="col">金额（元）</th>
              <th scope="col">依据</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((line) => (
              <tr key={line.fund} data-fund={line.fund}>
                <th scope="row">{FUND[line.fund] ?? line.fund}</th>
                <td>{line.fundPayType ?? '—'}</td>
                <td>{fundRate(s, line.fund, policy) ?? '—'}</td>
                <td class="num" data-field={`fund:${line.fund}`}>
                  {yuan(line.amount)}
                </td>
                <td>
                  <Cite cite={line.cite} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                基金支付合计
              </th>
              <td class="num" data-field="fundTotal">
                {yuan(s.fundTotal)}
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      </section>

      <section class="slip-section slip-patient">
        <h3>个人负担</h3>
        <dl class="slip-meta">
          <dt>个人负担合计</dt>
          <dd class="num strong" data-field="patientTotal">
            {yuan(s.patientTotal)}
          </dd>
          {split && (
            <>
              <dt>其中 自费</dt>
              <dd class="num" data-field="selfPay">
                {yuan(split.selfPay)}
              </dd>
              <dt>其中 自付</dt>
              <dd class="num" data-field="coPay">
                {yuan(split.coPay)}
              </dd>
            </>
          )}
          <dt>实际报销比例</dt>
          <dd class="num strong" data-field="ratio">
            {ratio(s.fundTotal, s.total)}
          </dd>
          <dt>个人负担（大写）</dt>
          <dd data-field="capitals">{capitals(s.patientTotal)}</dd>
        </dl>
      </section>

      <section class="slip-section">
        <h3>本年累计（本次结算前 → 后）</h3>
        <table class="slip-ytd">
          <thead>
            <tr>
              <th scope="col">项目</th>
              <th scope="col">结算前</th>
              <th scope="col">结算后</th>
            </tr>
          </thead>
          <tbody>
            {ACCUMULATOR_ROWS.filter(([field]) => s.accumulatorsBefore[field] !== undefined).map(([field, label]) => (
              <tr key={field} data-ytd={field}>
                <th scope="row">{label}</th>
                <td class="num">{field === 'admissions' ? String(s.accumulatorsBefore[field]) : yuan(String(s.accumulatorsBefore[field]))}</td>
                <td class="num">{field === 'admissions' ? String(s.accumulatorsAfter[field]) : yuan(String(s.accumulatorsAfter[field]))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {notes.length > 0 && (
        <section class="slip-section slip-notes">
          <h3>说明</h3>
          <ul>
            {notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </section>
      )}

      <footer class="slip-foot">
        <p>医保支付以医保经办机构结算为准</p>
        <div class="signatures">
          <span>
            患者/家属签字：
            <span class="blank wide" />
          </span>
          <span>
            收费员签字：
            <span class="blank wide" />
          </span>
        </div>
      </footer>
    </article>
  );
}
