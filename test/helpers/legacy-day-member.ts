/**
 * The day member as compaction wrote it before the day's names (the first
 * format, "<id>|<kind>|[…]"): such members stay in Redis and in archives as
 * written, and every reader still reads them (domain/ledger.ts fromDayMember).
 */
import { dayScoreOf, type LedgerEntry } from '../../src/domain/ledger.js';
import { fenOfText, textOfFen } from '../../src/domain/money.js';
import { FUNDS } from '../../src/domain/types.js';

const amount = (text: string): number | string => {
  const fen = fenOfText(text);
  return textOfFen(fen) === text && fen <= BigInt(Number.MAX_SAFE_INTEGER) && -fen <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(fen) : text;
};

export function legacyDayMember(entry: LedgerEntry): string {
  const funds = FUNDS.map((fund) => (entry.funds[fund] === undefined ? null : amount(entry.funds[fund])));
  while (funds.length > 0 && funds[funds.length - 1] === null) funds.pop();
  const { id, name, keyId } = entry.operator;
  const exact = new Date(dayScoreOf(entry)).toISOString() === entry.at;
  const rest: unknown[] = [
    entry.requestId,
    entry.card,
    exact ? null : entry.at,
    entry.policyId,
    entry.benefitYear,
    entry.visitType,
    amount(entry.total),
    amount(entry.fundTotal),
    funds,
    id !== null || name !== null || keyId !== null ? [id, name, keyId] : null,
  ];
  if (entry.reason !== null) rest.push(entry.reason);
  return `${entry.settlementId}|${entry.kind === 'settlement' ? 0 : 1}|${JSON.stringify(rest)}`;
}
