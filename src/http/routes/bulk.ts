/**
 * POST /v1/enrollees:bulk — the enrollment system loads or refreshes many
 * persons in one request: an NDJSON body (one PUT body plus its card a line),
 * answered as NDJSON while it streams (a result per line, then a summary).
 * Bounded: a line over the limit is skipped to its newline and reported;
 * the body is read no faster than Redis takes the rows and the caller reads
 * the answers. A body cut off mid-line: the complete rows before it are
 * applied and that last line is reported rejected.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { AppError, ValidationError } from '../../domain/errors.js';
import { ndjsonRows } from '../../import/ndjson.js';
import { importRows, type RowResult } from '../../import/pipeline.js';
import { enrolleeRowSchema } from '../../import/rows.js';
import type { ApiRouter } from '../openapi/operations.js';
import { errorDetailSchema } from '../../contract/fields.js';
import type { RouteDependencies } from './common.js';

/** A line of at most this many bytes (the PUT body limit). */
export const MAX_BULK_LINE_BYTES = 65_536;
const BATCH_SIZE = 500;
const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/x-jsonlines'];

export const bulkResultLineSchema = z.union([
  z.strictObject({
    line: z.number().int(),
    card: z.string().nullable(),
    outcome: z.enum(['created', 'updated', 'unchanged', 'rejected']),
    errors: z.array(errorDetailSchema).optional(),
  }),
  z.strictObject({
    summary: z.strictObject({
      kind: z.literal('enrollees'),
      rows: z.number().int(),
      created: z.number().int(),
      updated: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.number().int(),
      lastLine: z.number().int(),
      interrupted: z.boolean(),
      sourceError: z.string().nullable(),
    }),
  }),
  z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string(), details: z.array(errorDetailSchema) }) }),
]);

function resultLine(result: RowResult): string {
  return `${JSON.stringify({ line: result.line, card: result.key, outcome: result.outcome, ...(result.errors ? { errors: result.errors } : {}) })}\n`;
}

/** Resolves when the answer can take more (or the caller has gone). */
function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function send(res: Response, text: string): Promise<void> {
  if (res.destroyed || res.writableEnded) return;
  if (!res.headersSent) res.status(200).type('application/x-ndjson');
  if (!res.write(text)) await drained(res);
}

export function bulkRoutes(v1: ApiRouter, deps: RouteDependencies): void {
  v1.on(
    {
      method: 'post',
      path: '/enrollees:bulk',
      operationId: 'bulkPutEnrollees',
      summary: 'Create or replace many enrollees: NDJSON in, a result per line out as it streams',
      description:
        `Each line is the body of PUT /v1/enrollees/{card} with its \`card\`; lines of at most ${MAX_BULK_LINE_BYTES} bytes. ` +
        "PUT semantics: the same line again answers `unchanged` and changes nothing; a changed enrollee's cached coverage copy is dropped. " +
        'The answer (200, NDJSON) carries one result per non-blank line in line order, then `{"summary":…}`. ' +
        'A body that ends mid-line (no newline, not valid JSON) has that line rejected and the complete lines before it applied. ' +
        'Should storage fail once answering has begun, the last line is `{"error":…}`: lines without a result were not confirmed; send them again.',
      tags: ['Registry'],
      roles: ['admin'],
      body: {
        contentType: 'application/x-ndjson',
        description: 'one enrollee per line (the schema of a line)',
        schema: enrolleeRowSchema,
      },
      responses: {
        200: {
          description: 'NDJSON: a result per line (`outcome` created, updated, unchanged or rejected with `errors`), then the summary',
          contentType: 'application/x-ndjson',
          schema: bulkResultLineSchema,
        },
      },
      errors: ['UNAVAILABLE'],
    },
    async (req: Request, res: Response) => {
      if (!req.is(NDJSON_TYPES) || req.body !== undefined) {
        throw new ValidationError('send the rows as NDJSON (Content-Type: application/x-ndjson), one enrollee per line', [
          { path: '(body)', message: `Content-Type ${req.get('content-type') ?? '(none)'} is not NDJSON` },
        ]);
      }
      const encoding = (req.get('content-encoding') ?? 'identity').toLowerCase();
      if (encoding !== 'identity') {
        throw new ValidationError('send the rows uncompressed', [{ path: '(body)', message: `Content-Encoding ${encoding} is not accepted here` }]);
      }
      try {
        const summary = await importRows('enrollees', deps.bulk, ndjsonRows(req, MAX_BULK_LINE_BYTES), {
          batchSize: BATCH_SIZE,
          onResults: async (results) => {
            let text = '';
            for (const result of results) text += resultLine(result);
            await send(res, text);
          },
        });
        await send(res, `${JSON.stringify({ summary })}\n`);
        if (!res.writableEnded) res.end();
      } catch (error) {
        if (!res.headersSent) throw error;
        // Answering has begun: the status is sent, so the failure is the last line.
        const known = error instanceof AppError ? error : null;
        await send(res, `${JSON.stringify({ error: { code: known?.code ?? 'INTERNAL', message: known?.message ?? 'internal error', details: [] } })}\n`);
        if (!res.writableEnded) res.end();
      }
    },
  );
}
