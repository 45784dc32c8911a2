/**
 * A zod issue as a Chinese sentence, for the API's details and the import
 * report: the schema's own sentence where the catalogue knows it
 * (validation.ts), else zod's zh-CN locale. The issue no longer holds its
 * input, so a wrong type is said without what was received.
 */
import { z } from 'zod';
import { say } from './index.js';
import { VALIDATION_PATTERNS } from './validation.js';

const zhCN = z.locales.zhCN();
const EXPECTED: Record<string, string> = { string: '文字', number: '数字', boolean: '是/否', object: '对象', array: '列表', int: '整数' };

/** The catalogue's Chinese for one of the schemas' English sentences, or null. */
export function knownSentenceZh(message: string): string | null {
  for (const [pattern, key] of VALIDATION_PATTERNS) {
    const match = pattern.exec(message);
    if (match) return say(key, { 1: match[1] ?? '', 2: match[2] ?? '' });
  }
  return null;
}

export function zodIssueZh(issue: z.core.$ZodIssue): string {
  const known = knownSentenceZh(issue.message);
  if (known) return known;
  if (issue.code === 'invalid_type') {
    return issue.message.endsWith('received undefined') ? '必填项缺失' : `类型不符：应为${EXPECTED[issue.expected] ?? issue.expected}`;
  }
  const said = zhCN.localeError(issue as unknown as z.core.$ZodRawIssue);
  return (typeof said === 'string' ? said : said?.message) ?? '输入有误';
}
