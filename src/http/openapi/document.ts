/**
 * The OpenAPI 3.1 document, generated at start from the registered operations
 * and their zod schemas (zod-openapi renders zod 4's JSON Schema), never
 * written by hand. Error answers are grouped by status with `code` limited to
 * the codes the operation may answer; roles are the Bearer scheme plus
 * `x-roles` and a sentence in the description.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import type { ErrorCode } from '../../domain/errors.js';
import { STATUS_OF } from '../errors.js';
import { errorBodySchema } from '../../contract/fields.js';
import type { HeaderSpec, OperationRegistry, RegisteredOperation } from './operations.js';

/** What each code means, for the response descriptions (api.md "Errors"). */
const MEANING: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'the request is malformed; details name the field paths; nothing recorded',
  UNAUTHENTICATED: 'no key, or an unknown key',
  FORBIDDEN: 'the key acts outside its role or scope',
  NOT_FOUND: 'no such record (or endpoint)',
  ENROLLEE_NOT_FOUND: 'no enrollee with this card',
  IDEMPOTENCY_CONFLICT: 'this requestId was used with another body',
  ALREADY_REVERSED: 'the reversal cannot be repeated identically',
  PAYLOAD_TOO_LARGE: 'the body is larger than the limit',
  HOSPITAL_NOT_FOUND: 'the hospital is not in the registry',
  NO_POLICY: "no policy of the person's region covers the benefit year",
  NOT_COVERED: 'outside coverage (dates, liability, sex, maternity)',
  VISIT_TYPE_NOT_COVERED: 'the policy does not settle this visit type',
  SPECIAL_DISEASE_NOT_APPROVED: 'the special disease is unnamed, unknown or not approved for the person',
  REFERRAL_REQUIRED: 'an out-of-area stay needs an active referral filing',
  CROSS_YEAR_SPLIT_REQUIRED: 'the stay must be split at the year boundary',
  CONSORTIUM_TRANSFER_UNMATCHED: 'no earlier stay in the consortium to continue',
  STAY_OVERLAPS: "the stay's days overlap a settled, unreversed stay of the same person (the details name it)",
  LIMIT_REACHED: 'a per-person bound would be exceeded (e.g. active filings)',
  CATALOGUE_CODE_UNKNOWN: "a fee line names a code the policy's catalogue does not hold on that date; one detail per line",
  RATE_LIMITED: 'the key sent more than its share; retry after Retry-After seconds',
  OVERLOADED: 'this process is too busy (storage is fine); nothing recorded; retry after Retry-After seconds',
  ARCHIVED: "a closed year's record, moved to the archive the details name",
  INTERNAL: 'an unexpected fault (never with a stack trace)',
  UNAVAILABLE: 'storage or the enrollment system is unavailable; nothing recorded; retry after Retry-After seconds',
};

/** Codes every operation may answer: a body that is not JSON or too large is refused before any route runs. */
const EVERY_OPERATION: ErrorCode[] = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'INTERNAL', 'OVERLOADED'];
/** A keyed operation may also be refused for the key (401, 403) or for sending more than its share (429). */
const WITH_A_KEY: ErrorCode[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'];

/** Headers an answer may carry beyond its own: each is declared where it can appear. */
export const REQUEST_ID_HEADER: HeaderSpec = {
  description: 'the request id (the X-Request-Id sent, or a new one), echoed on every answer and in the log line',
  schema: z.string(),
  required: true,
};
export const RETRY_AFTER_HEADER: HeaderSpec = { description: 'seconds to wait before retrying', schema: z.string().regex(/^\d+$/), required: true };

export function errorCodesOf(operation: RegisteredOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>([...EVERY_OPERATION, ...(operation.roles === 'public' ? [] : WITH_A_KEY), ...(operation.errors ?? [])]);
  return [...codes];
}

/** Response headers as zod-openapi takes them: an object whose optional keys are the headers not always sent. */
function headersObject(headers: Record<string, HeaderSpec>) {
  return z.object(
    Object.fromEntries(
      Object.entries(headers).map(([name, header]) => {
        const schema = header.schema.meta({ description: header.description });
        return [name, header.required ? schema : schema.optional()];
      }),
    ),
  );
}

function rolesSentence(operation: RegisteredOperation): string {
  if (operation.roles === 'public') return 'No key needed.';
  return `Roles: ${operation.roles.join(', ')}${operation.scope ? ` (${operation.scope})` : ''}.`;
}

function operationObject(operation: RegisteredOperation): ZodOpenApiOperationObject {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    const contentType = response.contentType ?? 'application/json';
    responses[status] = {
      description: response.description,
      headers: headersObject({ 'X-Request-Id': REQUEST_ID_HEADER, ...response.headers }),
      content: { [contentType]: { schema: response.schema ?? z.string(), ...(response.examples ? { examples: response.examples } : {}) } },
    };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(operation)) byStatus.set(STATUS_OF[code], [...(byStatus.get(STATUS_OF[code]) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    // An operation that declares its own answer at this status keeps it (/readyz's 503 is the readiness body; it is never shed).
    if (responses[String(status)]) continue;
    const examples = operation.errorExamples?.[status];
    responses[String(status)] = {
      description: codes.map((code) => `\`${code}\`: ${MEANING[code]}`).join('; '),
      headers: headersObject({
        // OVERLOADED is answered before anything of the request is read, a request id included (shed.ts).
        'X-Request-Id': status === 503 ? { ...REQUEST_ID_HEADER, required: false } : REQUEST_ID_HEADER,
        ...(status === 503 || status === 429 ? { 'Retry-After': RETRY_AFTER_HEADER } : {}),
      }),
      content: { 'application/json': { schema: operation.errorBody ?? errorBodySchema(codes as [ErrorCode, ...ErrorCode[]]), ...(examples ? { examples } : {}) } },
    };
  }
  const object: ZodOpenApiOperationObject = {
    operationId: operation.operationId,
    summary: operation.summary,
    description: [operation.description, rolesSentence(operation)].filter(Boolean).join('\n\n'),
    tags: operation.tags,
    security: operation.roles === 'public' ? [] : [{ bearer: [] }],
    'x-roles': operation.roles === 'public' ? [] : [...operation.roles],
    responses,
  };
  if (operation.params || operation.query) {
    object.requestParams = {
      ...(operation.params ? { path: operation.params } : {}),
      ...(operation.query ? { query: operation.query } : {}),
    };
  }
  if (operation.body) {
    object.requestBody = {
      required: operation.body.required ?? true,
      ...(operation.body.description ? { description: operation.body.description } : {}),
      content: {
        [operation.body.contentType ?? 'application/json']: {
          schema: operation.body.schema,
          ...(operation.body.examples ? { examples: operation.body.examples } : {}),
        },
      },
    };
  }
  return object;
}

export function packageVersion(): string {
  try {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export type OpenApiDocument = ReturnType<typeof createDocument>;

export function buildOpenApiDocument(registry: OperationRegistry): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of registry.operations) {
    const item = (paths[operation.fullPath] ??= {});
    item[operation.method] = operationObject(operation);
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Resident-insurance settlement service',
        version: packageVersion(),
        description:
          "Discharge settlement for China's urban-rural resident basic medical insurance (城乡居民基本医疗保险): " +
          'the split between each fund and the patient, line by line, each line citing its clause; referral filings; ' +
          'day statements and reconciliation; the registry and its bulk import.\n\n' +
          'Money is a decimal string with at most two decimals on the way in and exactly two on the way out, never a JSON number. ' +
          'Every error answer is `{"error":{"code","message","details":[{"path","message"}]}}`.',
      },
      tags: [
        { name: 'Settlements', description: 'the billing desk: preview, settle, read, reverse' },
        { name: 'Referrals', description: 'the referral desk: file, read, revoke' },
        { name: 'Registry', description: 'hospitals and enrollees (writes: admin), accumulators' },
        { name: 'Statements', description: 'day statements and reconciliation (对账)' },
        { name: 'Policies', description: 'the loaded policies and their cited parameters' },
        { name: 'Operations', description: 'liveness, readiness, metrics, this document' },
      ],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key from the key file (API_KEYS_FILE). Roles: billing (one hospital), referral (one region), admin.',
          },
        },
      },
      paths,
    },
    {
      reused: 'inline',
      // A nullable value as `type: [T, "null"]` rather than anyOf (the same meaning, and what reference tools render best).
      override: ({ jsonSchema }) => {
        const branches = jsonSchema.anyOf;
        if (!Array.isArray(branches) || branches.length !== 2) return;
        const nullAt = branches.findIndex((b) => Object.keys(b).length === 1 && (b as { type?: unknown }).type === 'null');
        const other = branches[1 - nullAt] as Record<string, unknown> | undefined;
        if (nullAt === -1 || !other || typeof other.type !== 'string' || '$ref' in other) return;
        delete jsonSchema.anyOf;
        const merged: Record<string, unknown> = { ...other, type: [other.type, 'null'] };
        // enum and const must admit the null too.
        if (Array.isArray(other.enum)) merged.enum = [...(other.enum as unknown[]), null];
        if ('const' in other) {
          delete merged.const;
          merged.enum = [other.const, null];
        }
        Object.assign(jsonSchema, merged);
      },
    },
  );
}
