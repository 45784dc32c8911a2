/** Collects the steps, payment lines and notes that explain one settlement. */
import type { ErrorDetail, RefusalCode } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import { FUND_PAY_TYPE } from '../domain/code-tables.js';
import type { Fund } from '../domain/types.js';
import type { PaymentLine, Step } from './types.js';

export class Explanation {
  readonly steps: Step[] = [];
  readonly lines: PaymentLine[] = [];
  readonly notes: string[] = [];

  constructor(private readonly rulePrefix: string) {}

  step(rule: string, text: string, amount: Money | null, cite: string): void {
    this.steps.push({ rule: `${this.rulePrefix}/${rule}`, text, amount, cite });
  }

  /** One line per fund: a second layer paying the same fund adds to its line. */
  line(fund: Fund, amount: Money, cite: string, terms: { rate: Money | null; deductible?: Money } = { rate: null }): void {
    const existing = this.lines.findIndex((line) => line.fund === fund);
    if (existing === -1) this.lines.push({ fund, fundPayType: FUND_PAY_TYPE[fund], amount, cite, ...terms });
    else if (!amount.isZero()) {
      const line = this.lines[existing]!;
      this.lines[existing] = line.amount.isZero() ? { fund, fundPayType: FUND_PAY_TYPE[fund], amount, cite, ...terms } : { ...line, amount: line.amount.plus(amount), rate: null };
    }
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }
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
