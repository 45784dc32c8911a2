/**
 * A settlement's body, validated in turns when it is a large bill: the
 * request schema over a 5,000-line bill is one synchronous run of ~100–400 ms
 * that every other request waits behind. Above LARGE_BILL_LINES the envelope
 * is validated with one stand-in line, then the lines LINES_PER_TURN at a
 * time (shape, then the checks across lines), with a turn of the event loop
 * between; the result, the errors and their paths are the schema's own (the
 * same checks, FeeLineChecks; a line's shape by hand when it passes,
 * acceptedFeeLine, else by the schema).
 * Smaller bills take the schema in one go, as before.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import { FeeLineChecks, MAX_FEE_LINES, acceptedFeeLine, feeLineSchema, settlementRequestSchema, type WireFeeLine } from '../contract/settlement.js';
import type { SettlementRequest } from '../domain/types.js';
import { answerParts, type SettlementView } from '../service/settlement-view.js';
import { parseOrThrow, validationErrorOf } from './validate.js';

/** Bills with more lines than this are validated in turns. */
export const LARGE_BILL_LINES = 500;
/** Lines validated in one turn (~5–10 ms on a quiet machine). */
export const LINES_PER_TURN = 250;

/** A line every check passes, one whose amount is not money, and one whose amount is not quantity × unitPrice. */
const STAND_IN: WireFeeLine = { lineId: 'L', code: 'C', quantity: '1', unitPrice: '1', amount: '1.00' };
const BAD_SHAPE = { ...STAND_IN, amount: 'x' };
const BAD_ACROSS = { ...STAND_IN, amount: '2.00' };
const lineListSchema = z.array(feeLineSchema);
/** The same lines with unknown keys dropped: zod checks across lines when unknown keys are a line's only fault. */
const strippedListSchema = z.array(z.object(feeLineSchema.shape));
const LINES_PATH = ['charges', 'lines'] as const;

type Issue = z.core.$ZodIssue;

function largeBillLines(body: unknown): unknown[] | null {
  const lines = (body as { charges?: { lines?: unknown } } | null)?.charges?.lines;
  return Array.isArray(lines) && lines.length > LARGE_BILL_LINES && lines.length <= MAX_FEE_LINES ? lines : null;
}

/** The body as a SettlementRequest, or the schema's 400. */
export async function parseSettlementBody(body: unknown): Promise<SettlementRequest> {
  const lines = largeBillLines(body);
  if (lines === null) return parseOrThrow(settlementRequestSchema, body);
  const outer = body as Record<string, unknown> & { charges: Record<string, unknown> };
  const withLine = (line: unknown) => settlementRequestSchema.safeParse({ ...outer, charges: { ...outer.charges, lines: [line] } });
  const envelope = withLine(STAND_IN);
  await nextTurn();

  const shapeIssues: Issue[] = [];
  let aborted = false;
  const wire = new Array<WireFeeLine>(lines.length);
  const acrossIssues: Issue[] = [];
  const checks = new FeeLineChecks(wire, (path, message) => acrossIssues.push({ code: 'custom', path: [...LINES_PATH, ...path], message, input: undefined }));
  for (let from = 0; from < lines.length; from += LINES_PER_TURN) {
    const to = Math.min(lines.length, from + LINES_PER_TURN);
    // Lines the hand check accepts are the schema's; a turn with any other takes the schema for its issues.
    if (!acceptedLines(lines, from, to, wire)) {
      const chunk = lines.slice(from, to);
      let result = lineListSchema.safeParse(chunk);
      if (!result.success) {
        for (const issue of result.error.issues) {
          shapeIssues.push({ ...issue, path: [...LINES_PATH, from + (issue.path[0] as number), ...issue.path.slice(1)] });
          if (issue.code !== 'unrecognized_keys') aborted = true;
        }
        if (!aborted) result = strippedListSchema.safeParse(chunk);
      }
      if (result.success) for (let i = 0; i < result.data.length; i++) wire[from + i] = result.data[i]!;
    }
    // The checks across lines follow the shapes turn by turn; once a shape aborts, only shape issues are answered (as the schema does).
    if (!aborted) checks.check(from, to);
    await nextTurn();
  }
  if (aborted) throw validationErrorOf(inPlaceOf(withLine(BAD_SHAPE).error!.issues, shapeIssues));

  const parsed = checks.finish();
  if (shapeIssues.length > 0 || acrossIssues.length > 0) {
    const standIn = { ...(acrossIssues.length > 0 ? BAD_ACROSS : STAND_IN), ...(shapeIssues.length > 0 ? { unknown: 0 } : {}) };
    throw validationErrorOf(inPlaceOf(withLine(standIn).error!.issues, [...shapeIssues, ...acrossIssues]));
  }
  if (!envelope.success) throw validationErrorOf(envelope.error.issues);
  // The envelope's key order is kept (the request hash depends on it); only its stand-in line is replaced.
  return { ...envelope.data, charges: { lines: parsed } };
}

/** Whether the hand check accepts lines [from, to), each then put in `wire`. */
function acceptedLines(lines: readonly unknown[], from: number, to: number, wire: WireFeeLine[]): boolean {
  for (let i = from; i < to; i++) {
    const line = acceptedFeeLine(lines[i]);
    if (line === null) return false;
    wire[i] = line;
  }
  return true;
}

/**
 * The schema's issues for the envelope with one failing stand-in line, that
 * line's issue replaced by the bill's own: zod decides the order and what a
 * failing line keeps from running (the refinements after it), as it would
 * over the whole bill.
 */
function inPlaceOf(envelope: readonly Issue[], lines: readonly Issue[]): Issue[] {
  const standIn = `${LINES_PATH.join('.')}.0`;
  const at = envelope.findIndex((issue) => isStandIns(issue, standIn));
  return [...envelope.slice(0, at), ...lines, ...envelope.slice(at).filter((issue) => !isStandIns(issue, standIn))];
}

function isStandIns(issue: Issue, standIn: string): boolean {
  const path = issue.path.join('.');
  return path === standIn || path.startsWith(`${standIn}.`);
}

/** A settlement's answer as UTF-8, byte for byte what answerBytes gives; a large bill's lines in turns. */
export async function answerBytesInTurns(view: SettlementView): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const part of answerParts(view)) {
    parts.push(part);
    if (parts.length > 1) await nextTurn();
  }
  return Buffer.concat(parts);
}
