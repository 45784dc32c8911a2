/** Request validation: zod issues become the contract's error body with field paths. */
import type { z } from 'zod';
import { ValidationError, type ErrorDetail } from '../domain/errors.js';

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  const joined = path.map(String).join('.');
  return prefix && joined ? `${prefix}.${joined}` : prefix || joined || '(body)';
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = '', what = 'request body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: ErrorDetail[] = result.error.issues.slice(0, 20).map((issue) => ({
    path: pathOf(prefix, issue.path),
    message: issue.message,
  }));
  throw new ValidationError(`invalid ${what}: ${details[0]!.path}: ${details[0]!.message}`, details);
}
