/** Request validation: zod issues become the contract's error body with field paths. */
import type { z } from 'zod';
import { zodIssueZh } from '../messages/zod-issues.js';
import { ValidationError, type ErrorDetail } from '../domain/errors.js';

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  const joined = path.map(String).join('.');
  return prefix && joined ? `${prefix}.${joined}` : prefix || joined || '(body)';
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = '', what = 'request body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationErrorOf(result.error.issues, prefix, what);
}

/** The contract's 400 for zod issues (the first 20), in English and Chinese. */
export function validationErrorOf(all: readonly z.core.$ZodIssue[], prefix = '', what = 'request body'): ValidationError {
  const issues = all.slice(0, 20);
  const details: ErrorDetail[] = issues.map((issue) => ({ path: pathOf(prefix, issue.path), message: issue.message }));
  const error = new ValidationError(`invalid ${what}: ${details[0]!.path}: ${details[0]!.message}`, details);
  error.zh = { details: issues.map((issue, i) => ({ path: details[i]!.path, message: zodIssueZh(issue) })) };
  return error;
}
