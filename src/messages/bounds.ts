/** Messages of the service's bounds: overlapping stays, msgids, sizes and budgets. */
import type { MessageEntry } from './index.js';

export const boundsMessages = {
  'bounds.stayOverlaps': {
    zh: '该参保人{admissionDate}至{dischargeDate}已在{hospitalId}住院结算（结算号{settlementId}），本次住院日期与之重叠，不予结算',
    en: 'the person was in {hospitalId} from {admissionDate} to {dischargeDate} (settlement {settlementId}); this stay overlaps it and is not settled',
  },
  'bounds.items.lines': { zh: '行费用明细', en: 'fee lines' },
  'bounds.items.rows': { zh: '行对账明细', en: 'rows' },
  'bounds.itemsCharged': {
    zh: '本次提交{items}{what}，每{perPoint}行计1点，共{points}点；该密钥每秒可用{perSecond}点（10秒内另可多用{burst}点），现已用尽，请{retry}秒后再试',
    en: 'this body has {items} {what}, one point per {perPoint} ({points} points); this key may spend {perSecond} points a second (and {burst} more within 10 s); retry in {retry} s',
  },
} as const satisfies Record<string, MessageEntry>;
