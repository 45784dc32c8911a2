/** Collects the steps, payment lines and notes that explain one settlement. */
import type { ErrorDetail, RefusalCode } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import { FUND_PAY_TYPE } from '../domain/code-tables.js';
import type { Fund } from '../domain/types.js';
import type { PaymentLine, Step } from './types.js';
import type { MessageParams } from '../messages/index.js';
import { ENGINE_WORDS_ZH, engineMessages } from '../messages/engine.js';

export type EngineKey = keyof typeof engineMessages;
/** Templates split once into text and placeholder names (say() runs a regex per call; the engine writes ~8 texts a settlement). */
const COMPILED = { zh: new Map<string, readonly string[]>(), en: new Map<string, readonly string[]>() };

/** A step text in Chinese, from the message catalogue (same result as say(key, params, 'zh')). */
export function zh(key: EngineKey, params: MessageParams = {}): string {
  return fill(key, params, 'zh');
}

/** The English edition, for notes (same result as say(key, params, 'en')). */
export function en(key: EngineKey, params: MessageParams = {}): string {
  return fill(key, params, 'en');
}

function fill(key: EngineKey, params: MessageParams, lang: 'zh' | 'en'): string {
  let parts = COMPILED[lang].get(key);
  if (parts === undefined) {
    parts = engineMessages[key][lang].split(/\{(\w+)\}/);
    COMPILED[lang].set(key, parts);
  }
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    out += (name in params ? String(params[name]) : `{${name}}`) + parts[i + 1]!;
  }
  return out;
}

/** A vocabulary word (visit type, cap period, basis …) as people read it. */
export function word(value: string): string {
  return ENGINE_WORDS_ZH[value] ?? value;
}

export class Explanation {
  readonly steps: Step[] = [];
  readonly lines: PaymentLine[] = [];
  /** Notes in English (logs, developers); `notesZh` the same notes in Chinese for people. */
  readonly notes: string[] = [];
  readonly notesZh: string[] = [];

  constructor(private readonly rulePrefix: string) {}

  step(rule: string, text: string, amount: Money | null, cite: string): void {
    this.steps.push({ rule: `${this.rulePrefix}/${rule}`, text, amount, cite });
  }

  /** One line per fund: a second layer paying the same fund adds to its line. */
  line(fund: Fund, amount: Money, cite: string, terms: { rate: Money | null; deductible?: Money } = { rate: null }): void {
    let existing = -1;
    for (let i = 0; i < this.lines.length; i += 1) if (this.lines[i]!.fund === fund) existing = i;
    if (existing === -1) this.lines.push(paymentLine(fund, amount, cite, terms));
    else if (!amount.isZero()) {
      const line = this.lines[existing]!;
      this.lines[existing] = line.amount.isZero() ? paymentLine(fund, amount, cite, terms) : { ...line, amount: line.amount.plus(amount), rate: null };
    }
  }

  /** `textZh` null: a note for the log only (a policy's own note written without a Chinese text stays off the slip). */
  note(text: string, textZh: string | null): void {
    if (this.notes.includes(text)) return;
    this.notes.push(text);
    if (textZh !== null) this.notesZh.push(textZh);
  }
}

/** The same object (keys in the same order) as { fund, fundPayType, amount, cite, ...terms }, without the spread. */
function paymentLine(fund: Fund, amount: Money, cite: string, terms: { rate: Money | null; deductible?: Money }): PaymentLine {
  const line: PaymentLine = { fund, fundPayType: FUND_PAY_TYPE[fund], amount, cite, rate: terms.rate };
  if ('deductible' in terms) line.deductible = terms.deductible!;
  return line;
}

/** Thrown inside the engine, turned into a typed refusal at its boundary. */
export class Refused extends Error {
  constructor(
    readonly code: RefusalCode | 'VALIDATION_FAILED',
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}
