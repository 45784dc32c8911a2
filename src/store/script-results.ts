/** Lua script replies, mapped to typed outcomes in one place (see the headers in ./scripts). */

export type CommitOutcome =
  | { kind: 'committed' }
  | { kind: 'replay'; response: string }
  | { kind: 'conflict' }
  | { kind: 'stale'; version: string };

export function commitOutcome(reply: [number, string?]): CommitOutcome {
  switch (reply[0]) {
    case 1:
      return { kind: 'committed' };
    case 2:
      return { kind: 'replay', response: reply[1]! };
    case 3:
      return { kind: 'conflict' };
    case 4:
      return { kind: 'stale', version: reply[1]! };
    default:
      throw new Error(`commit-settlement returned ${JSON.stringify(reply)}`);
  }
}

export type ReversalOutcome = 'not-found' | 'reversed' | 'already-reversed';

export function reversalOutcome(reply: [number]): ReversalOutcome {
  switch (reply[0]) {
    case 0:
      return 'not-found';
    case 1:
      return 'reversed';
    case 2:
      return 'already-reversed';
    default:
      throw new Error(`reverse-settlement returned ${JSON.stringify(reply)}`);
  }
}
