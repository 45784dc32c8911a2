/** Notes the service adds to an answer (and so to a slip): Chinese for the window, English for the log. */
import type { MessageEntry } from './index.js';

export const noteMessages = {
  'notes.coverage.stale': {
    zh: '参保信息系统暂不可用，本次按 {seconds} 秒前缓存的参保信息结算',
    en: 'coverage from the cached copy of the enrollment system, {seconds} s old: the system of record is unavailable ({reason})',
  },
  'notes.specialDisease.filed': {
    zh: '特殊病种 {disease} 按备案 {filingId}（{validFrom} – {validTo}）认定',
    en: 'special disease {disease} approved by filing {filingId} ({validFrom} – {validTo})',
  },
} as const satisfies Record<string, MessageEntry>;
