/** Request validation: zod issues become the contract's error body with field paths. */
import { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../domain/errors.js';

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  const joined = path.map(String).join('.');
  return prefix && joined ? `${prefix}.${joined}` : prefix || joined || '(body)';
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = '', what = 'request body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20);
  const details: ErrorDetail[] = issues.map((issue) => ({ path: pathOf(prefix, issue.path), message: issue.message }));
  const error = new ValidationError(`invalid ${what}: ${details[0]!.path}: ${details[0]!.message}`, details);
  error.zh = { details: issues.map((issue, i) => ({ path: details[i]!.path, message: chinese(issue) })) };
  throw error;
}

const zhCN = z.locales.zhCN();
const EXPECTED: Record<string, string> = { string: '文字', number: '数字', boolean: '是/否', object: '对象', array: '列表' };
/** zod's own zh-CN sentence for an issue; the issue no longer holds the input, so a wrong type is said without it. */
function chinese(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    return issue.message.endsWith('received undefined') ? '必填项缺失' : `类型不符：应为${EXPECTED[issue.expected] ?? issue.expected}`;
  }
  const said = zhCN.localeError(issue as unknown as z.core.$ZodRawIssue);
  return (typeof said === 'string' ? said : said?.message) ?? '输入有误';
}
