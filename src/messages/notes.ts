/** Notes the service adds to an answer (and so to a slip): Chinese for the window, English for the log. */
import type { MessageEntry } from './index.js';

export const noteMessages = {
  'notes.coverage.stale': {
    zh: '参保信息系统暂不可用，本次按 {seconds} 秒前缓存的参保信息结算',
    en: 'coverage from the cached copy of the enrollment system, {seconds} s old: the system of record is unavailable ({reason})',
  },
  'notes.specialDisease.filed': {
    zh: '门诊特殊病种（编码 {disease}）已备案（备案号 {filingId}，有效期 {validFrom} 至 {validTo}），按特殊病种结算',
    en: 'special disease {disease} approved by filing {filingId} ({validFrom} – {validTo})',
  },
  'notes.statement.archived': {
    zh: '{count} 笔属 {year} 医保年度的结算已移入归档 {archive}：合计与分组已含这些结算（取自归档清单），下方明细只列出仍在库中的结算',
    en: '{count} entries of benefit year {year} were moved to archive {archive}: totals and groups include them (from its manifest); entries lists only those still here',
  },
} as const satisfies Record<string, MessageEntry>;
