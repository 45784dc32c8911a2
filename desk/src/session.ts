/**
 * What the tab remembers: the key (sessionStorage only — gone when the tab
 * closes, never in localStorage or a cookie), who the key is, the operator
 * typed at sign-in, and a settlement whose answer never arrived.
 */
import type { Me, Operator } from './wire.js';

const KEY = 'desk.key';
const ME = 'desk.me';
const OPERATOR = 'desk.operator';
const PENDING = 'desk.pending';
const PRINTED = 'desk.printed';

function read<T>(name: string): T | null {
  const text = sessionStorage.getItem(name);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  me: (): Me | null => read<Me>(ME),
  operator: (): Operator | null => read<Operator>(OPERATOR),
  signIn(key: string, me: Me, operator: Operator | null): void {
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ME, JSON.stringify(me));
    if (operator) sessionStorage.setItem(OPERATOR, JSON.stringify(operator));
    else sessionStorage.removeItem(OPERATOR);
  },
  signOut(): void {
    for (const name of [KEY, ME, OPERATOR]) sessionStorage.removeItem(name);
  },
  /** A settle request sent whose answer is unknown: replayed with the same requestId until it resolves. */
  pending: (): PendingSettlement | null => read<PendingSettlement>(PENDING),
  setPending(pending: PendingSettlement | null): void {
    if (pending) sessionStorage.setItem(PENDING, JSON.stringify(pending));
    else sessionStorage.removeItem(PENDING);
  },
  /** Slips printed in this tab: printing one again is a reprint (重打). */
  wasPrinted: (settlementId: string): boolean => (read<string[]>(PRINTED) ?? []).includes(settlementId),
  markPrinted(settlementId: string): void {
    const printed = read<string[]>(PRINTED) ?? [];
    if (!printed.includes(settlementId)) sessionStorage.setItem(PRINTED, JSON.stringify([...printed.slice(-199), settlementId]));
  },
};

export interface PendingSettlement {
  requestId: string;
  /** The exact JSON text sent: a replay must carry the identical body. */
  body: string;
  card: string;
  sentAt: string;
  /** The form as it was (JSON), to show what is being resolved after a reload. */
  bill: string;
}
