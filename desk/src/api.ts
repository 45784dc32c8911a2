/**
 * Calls to /v1 with the tab's key. Three outcomes a desk must tell apart:
 * an answer (2xx), a refusal (4xx: nothing was recorded), and no answer
 * (network drop, timeout, 5xx): for a settlement that means *result unknown*,
 * resolved by replaying the same requestId — never by a new request.
 */
import { session } from './session.js';
import type { ErrorBody } from './wire.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request may or may not have reached the service and taken effect. */
export class NoAnswer extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'NoAnswer';
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  replay: boolean;
}

export interface CallOptions {
  body?: unknown;
  /** Already-serialised JSON (a replay sends the identical text). */
  text?: string;
  timeoutMs?: number;
  key?: string;
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const key = options.key ?? session.key();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const payload = options.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      cache: 'no-store',
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new NoAnswer(timedOut ? '服务无应答（超时）' : '网络中断，未收到应答');
  }
  let body: unknown = null;
  try {
    const text = await response.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    if (response.ok) throw new NoAnswer('应答不完整', response.status);
  }
  if (response.status >= 500) {
    const error = (body as ErrorBody | null)?.error;
    throw new NoAnswer(error ? `${error.code}: ${error.message}` : `服务错误 ${response.status}`, response.status);
  }
  if (!response.ok) {
    const error = (body as ErrorBody | null)?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.details ?? []);
  }
  return { status: response.status, body: body as T, replay: response.headers.get('Idempotent-Replay') === 'true' };
}

export const get = <T>(path: string, options?: CallOptions) => call<T>('GET', path, options);
export const post = <T>(path: string, body: unknown, options?: CallOptions) => call<T>('POST', path, { ...options, body });

/** Path segment, escaped. */
export const seg = (value: string | number) => encodeURIComponent(String(value));
