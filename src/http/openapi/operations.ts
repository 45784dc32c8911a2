/**
 * One declaration per endpoint: an operation spec (path, roles, parameter,
 * body and response schemas, error codes) from which both the Express route
 * and its entry in the OpenAPI document are made. A route registered any
 * other way is missing from the document, and the contract test
 * (test/integration/openapi.test.ts) fails on it.
 */
import type { RequestHandler, Router } from 'express';
import type { z } from 'zod';
import type { ErrorCode } from '../../domain/errors.js';
import type { Caller } from '../../ops/api-keys.js';
import { requireRole } from '../auth.js';
import { rememberMatch } from '../observe.js';

export type Role = Caller['role'];
export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

export interface HeaderSpec {
  description: string;
  schema: z.ZodType;
  required?: boolean;
}

export interface ResponseSpec {
  description: string;
  /** The body's schema; absent for a body that is not JSON (see contentType). */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
  headers?: Record<string, HeaderSpec>;
  /** Named examples (values as answered). */
  examples?: Record<string, { summary: string; value: unknown }>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** OpenAPI path template under the router's prefix, e.g. '/hospitals/{hospitalId}' or '/enrollees:bulk'. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Who may call it (enforced before the handler runs); 'public' needs no key. */
  roles: readonly Role[] | 'public';
  /** What the roles may reach, in words (e.g. "billing: its own hospital only"). */
  scope?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: {
    schema: z.ZodType;
    contentType?: string;
    required?: boolean;
    description?: string;
    examples?: Record<string, { summary: string; value: unknown }>;
  };
  /** Success answers by status. */
  responses: Record<number, ResponseSpec>;
  /**
   * Error codes this operation may answer beyond those every operation may
   * (VALIDATION_FAILED for an unreadable body, PAYLOAD_TOO_LARGE, INTERNAL, and
   * UNAUTHENTICATED/FORBIDDEN when it needs a key).
   */
  errors?: readonly ErrorCode[];
  /** Named examples of error answers, by status. */
  errorExamples?: Record<number, Record<string, { summary: string; value: unknown }>>;
  /** The body of every error answer, when it is not the native error body (the platform's envelope). */
  errorBody?: z.ZodType;
}

/** A registered operation: the spec with its full path. */
export interface RegisteredOperation extends OperationSpec {
  fullPath: string;
}

/** Express routes that are pages for people, not API operations (kept out of the document on purpose). */
export interface RegisteredPage {
  method: HttpMethod;
  fullPath: string;
  description: string;
}

export class OperationRegistry {
  readonly operations: RegisteredOperation[] = [];
  readonly pages: RegisteredPage[] = [];

  add(operation: RegisteredOperation): void {
    const clash = this.operations.find((o) => o.operationId === operation.operationId || (o.fullPath === operation.fullPath && o.method === operation.method));
    if (clash) throw new Error(`operation ${operation.method.toUpperCase()} ${operation.fullPath} (${operation.operationId}) is declared twice`);
    this.operations.push(operation);
  }
}

/** '/enrollees/{card}' → '/enrollees/:card'; a literal ':' (as in '/enrollees:bulk') is escaped for Express 5. */
export function expressPath(template: string): string {
  return template.replaceAll(':', '\\:').replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

/** The inverse of expressPath, for comparing Express's routes with the document. */
export function templateOf(expressRoutePath: string): string {
  return expressRoutePath.replace(/(?<!\\):([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replaceAll('\\:', ':');
}

/** Registers operations on an Express router mounted at `prefix`, and records them for the document. */
export class ApiRouter {
  constructor(
    readonly router: Router,
    readonly prefix: string,
    readonly registry: OperationRegistry,
    /** Where the router does not authenticate every request itself: run before the role check of keyed operations. */
    private readonly authenticate?: RequestHandler,
  ) {}

  on(spec: OperationSpec, ...handlers: RequestHandler[]): void {
    this.registry.add({ ...spec, fullPath: `${this.prefix}${spec.path}` });
    const roles = spec.roles;
    const guard: RequestHandler[] =
      roles === 'public'
        ? []
        : [
            ...(this.authenticate ? [this.authenticate] : []),
            (req, _res, next) => {
              requireRole(req, ...roles);
              next();
            },
          ];
    // rememberMatch first: the log line names the route and masks its parameters (observe.ts).
    this.router[spec.method](expressPath(spec.path), rememberMatch, ...guard, ...handlers);
  }

  /** A router of pages for people mounted at `path`: every GET under it is a page (its routes live in the browser). */
  pages(path: string, router: Router, description: string): void {
    this.registry.pages.push({ method: 'get', fullPath: `${this.prefix}${path}/{*route}`, description });
    this.router.use(path, router);
  }

  /** A page for people (HTML, scripts): served, but not part of the API document. */
  page(method: HttpMethod, path: string, description: string, ...handlers: RequestHandler[]): void {
    this.registry.pages.push({ method, fullPath: `${this.prefix}${path}`, description });
    this.router[method](expressPath(path), rememberMatch, ...handlers);
  }
}
