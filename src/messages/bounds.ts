/** Messages of the service's bounds: overlapping stays, msgids, sizes and budgets. */
import type { MessageEntry } from './index.js';

export const boundsMessages = {
  'bounds.stayOverlaps': {
    zh: '该参保人{admissionDate}至{dischargeDate}已在{hospitalId}住院结算（结算号{settlementId}），本次住院日期与之重叠，不予结算',
    en: 'the person was in {hospitalId} from {admissionDate} to {dischargeDate} (settlement {settlementId}); this stay overlaps it and is not settled',
  },
} as const satisfies Record<string, MessageEntry>;
