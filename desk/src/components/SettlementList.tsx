/** A person's settlements of the year: reprint (重打) and reverse (撤销) from the list. */
import { yuan } from '../amounts.js';
import { shanghaiTime } from '../format.js';
import { SETTLEMENT_STATUS, VISIT_TYPE } from '../labels.js';
import type { Settlement } from '../wire.js';
import { HospitalName } from './HospitalName.js';

export function SettlementList({ year, list, onReverse }: { year: number; list: Settlement[]; onReverse: (settlement: Settlement) => void }) {
  return (
    <section class="card" aria-labelledby="list-title">
      <h2 id="list-title">
        {year} 年结算记录（{list.length} 笔）
      </h2>
      {list.length === 0 ? (
        <p class="muted">本年无结算记录</p>
      ) : (
        <table class="list" data-testid="settlement-list">
          <thead>
            <tr>
              <th scope="col">结算时间</th>
              <th scope="col">结算单号</th>
              <th scope="col">医院</th>
              <th scope="col">类型</th>
              <th scope="col">医疗费总额</th>
              <th scope="col">基金支付</th>
              <th scope="col">个人负担</th>
              <th scope="col">状态</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {list.map((item) => (
              <tr key={item.settlementId} data-settlement={item.settlementId}>
                <td>{shanghaiTime(item.settledAt)}</td>
                <td>
                  <code>{item.settlementId}</code>
                </td>
                <td>
                  <HospitalName hospitalId={item.hospitalId} />
                </td>
                <td>{VISIT_TYPE[item.visitType] ?? item.visitType}</td>
                <td class="num">{yuan(item.total)}</td>
                <td class="num">{yuan(item.fundTotal)}</td>
                <td class="num">{yuan(item.patientTotal)}</td>
                <td>{SETTLEMENT_STATUS[item.status] ?? item.status}</td>
                <td>
                  {item.settlementId && (
                    <a href={`/desk/slip/${encodeURIComponent(item.settlementId)}?reprint=1`} aria-label={`重打结算单 ${item.settlementId}`}>
                      重打
                    </a>
                  )}{' '}
                  {item.status === 'settled' && (
                    <button type="button" class="link danger" onClick={() => onReverse(item)} aria-label={`撤销结算 ${item.settlementId}`}>
                      撤销
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
