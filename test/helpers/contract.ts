/**
 * The contract test's instrument: every answer an app serves in the tests is
 * held against its OpenAPI document (ajv over the document's own schemas):
 * the status must be declared for the operation, the body must match that
 * status's schema (each line of an NDJSON answer), declared required headers
 * must be there and contract headers (Idempotent-Replay, Retry-After) must be
 * declared where they appear. An answer to no operation must be a 4xx error
 * body. Mismatches are collected and fail the running test (test/setup/contract.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type express from 'express';
import { apiDescriptionOf } from '../../src/http/app.js';
import { templateOf } from '../../src/http/openapi/operations.js';

// ajv-formats is CommonJS: its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** Headers whose presence means something to a client: an answer may carry one only where the document declares it. */
const CONTRACT_HEADERS = ['idempotent-replay', 'retry-after'];
const MAX_CAPTURE = 8 * 1024 * 1024;

const violations: string[] = [];

/** Mismatches seen since the last call (test/setup/contract.ts fails the test on any). */
export function takeContractViolations(): string[] {
  return violations.splice(0, violations.length);
}

interface ResponseRule {
  contentType: string;
  validate: ValidateFunction | null;
  headers: { name: string; required: boolean }[];
}

interface OperationRule {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Map<number, ResponseRule>;
}

type Json = Record<string, unknown>;

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly operations: OperationRule[] = [];
  private readonly pages: RegExp[] = [];
  private readonly anyError: ValidateFunction;

  constructor(document: Json, pagePaths: string[] = []) {
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi.json');
    const paths = document.paths as Record<string, Record<string, Json>>;
    for (const [template, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = new Map<number, ResponseRule>();
        for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
          const content = (response.content ?? {}) as Record<string, Json>;
          const [contentType] = Object.keys(content);
          const validate =
            contentType === undefined || !content[contentType]!.schema
              ? null
              : this.ajv.compile({ $ref: `openapi.json#/${pointer('paths', template, method, 'responses', status, 'content', contentType, 'schema')}` });
          const headers = Object.entries((response.headers ?? {}) as Record<string, Json>).map(([name, header]) => ({
            name: name.toLowerCase(),
            required: header.required === true,
          }));
          responses.set(Number(status), { contentType: contentType ?? 'application/json', validate, headers });
        }
        this.operations.push({
          method: method.toUpperCase(),
          template,
          pattern: templatePattern(template),
          params: (template.match(/\{/g) ?? []).length,
          responses,
        });
      }
    }
    // Literal paths before templated ones (Express tries routes in order; a literal segment is the more specific).
    this.operations.sort((a, b) => a.params - b.params);
    for (const page of pagePaths) this.pages.push(templatePattern(page));
    this.anyError = this.ajv.compile({
      type: 'object',
      required: ['error'],
      additionalProperties: false,
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message', 'details'],
          additionalProperties: false,
          properties: {
            code: { type: 'string' },
            message: { type: 'string' },
            details: { type: 'array', items: { $ref: 'openapi.json#/components/schemas/ErrorDetail' } },
          },
        },
      },
    });
  }

  /** The problems of one answer (empty when it keeps the contract). */
  check(method: string, url: string, status: number, headers: Record<string, unknown>, body: Buffer | null): string[] {
    if (method === 'HEAD' || method === 'OPTIONS') return [];
    const path = url.split('?')[0]!;
    if (this.pages.some((page) => page.test(path))) return [];
    const where = `${method} ${path} → ${status}`;
    const operation = this.operations.find((o) => o.method === method && o.pattern.test(path));
    if (!operation) {
      if (status < 400 || status >= 500) return [`${where}: no operation in the document answers this, yet it answered ${status}`];
      return this.checkJson(where, body, this.anyError);
    }
    const rule = operation.responses.get(status);
    const named = `${method} ${operation.template} → ${status} (${path})`;
    if (!rule) return [`${named}: status ${status} is not declared for this operation`];
    const problems: string[] = [];
    for (const header of rule.headers) {
      if (header.required && headers[header.name] === undefined) problems.push(`${named}: required header ${header.name} is missing`);
    }
    for (const name of CONTRACT_HEADERS) {
      if (headers[name] !== undefined && !rule.headers.some((h) => h.name === name)) problems.push(`${named}: header ${name} is sent but not declared`);
    }
    const contentType = String(headers['content-type'] ?? '');
    if (body === null || !rule.validate) return problems;
    if (!contentType.startsWith(rule.contentType)) {
      problems.push(`${named}: content type ${contentType || '(none)'}, declared ${rule.contentType}`);
      return problems;
    }
    if (rule.contentType === 'application/x-ndjson') {
      const lines = body
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '');
      for (const [i, line] of lines.entries()) problems.push(...this.checkJson(`${named} line ${i + 1}`, Buffer.from(line), rule.validate));
      return problems;
    }
    if (rule.contentType === 'application/json') problems.push(...this.checkJson(named, body, rule.validate));
    return problems;
  }

  private checkJson(where: string, body: Buffer | null, validate: ValidateFunction): string[] {
    if (body === null) return [];
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch {
      return [`${where}: the body is not JSON: ${body.toString('utf8').slice(0, 200)}`];
    }
    if (validate(value)) return [];
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    return [`${where}: the body does not match the document: ${errors.join('; ')}; body ${body.toString('utf8').slice(0, 400)}`];
  }
}

function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{*') ? '.*' : part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  // The app routes case-sensitively (app.ts), with or without a trailing slash.
  return new RegExp(`^${source}/?$`);
}

/** Watches one answer: its body as written, checked when it has been sent in full. */
function observe(checker: ContractChecker, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function' || size > MAX_CAPTURE) return;
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    size += buffer.length;
    chunks.push(buffer);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as typeof res.end;
  // Headers given to writeHead as an object (the shedder's fast path) never reach getHeaders().
  let written: Record<string, unknown> = {};
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const head = rest.find((arg) => arg !== null && typeof arg === 'object' && !Array.isArray(arg));
    if (head) written = Object.fromEntries(Object.entries(head).map(([name, value]) => [name.toLowerCase(), value]));
    return writeHead(status, ...rest);
  }) as typeof res.writeHead;
  res.once('finish', () => {
    const body = size > MAX_CAPTURE ? null : Buffer.concat(chunks);
    for (const problem of checker.check(method, url, res.statusCode, { ...written, ...res.getHeaders() }, body)) violations.push(problem);
  });
}

const checkers = new WeakMap<object, ContractChecker>();

/** Holds every answer of `app` to its own document from now on (the app object is kept, so listen() and supertest see it). */
export function enforceContract(app: express.Express): ContractChecker {
  const existing = checkers.get(app);
  if (existing) return existing;
  const { document, registry } = apiDescriptionOf(app);
  const checker = new ContractChecker(
    document as unknown as Json,
    registry.pages.map((page) => page.fullPath),
  );
  checkers.set(app, checker);
  const routed = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, next?: unknown) => void };
  const handle = routed.handle.bind(app);
  routed.handle = (req, res, next) => {
    observe(checker, req, res);
    handle(req, res, next);
  };
  return checker;
}

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every route Express would answer, as "METHOD /template" (mounted routers walked with their mount paths). */
export function expressRoutes(app: express.Express): string[] {
  const routes: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${templateOf(prefix + String(layer.route.path))}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return routes;
}

/** Routes Express answers that are neither an operation of the document nor a declared page. */
export function undocumentedRoutes(app: express.Express): string[] {
  const { document, registry } = apiDescriptionOf(app);
  const documented = new Set<string>();
  for (const [template, item] of Object.entries(document.paths ?? {})) {
    for (const method of Object.keys(item ?? {})) documented.add(`${method.toUpperCase()} ${template}`);
  }
  for (const page of registry.pages) documented.add(`${page.method.toUpperCase()} ${page.fullPath}`);
  return expressRoutes(app).filter((route) => !documented.has(route));
}
