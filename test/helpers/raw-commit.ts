/** A commit built by hand, for tests that drive the store directly (lost replies, crashes). */
import { zeroDeltas } from '../../src/domain/accumulators.js';
import type { AccumulatorDeltas } from '../../src/domain/types.js';
import type { CommitRequest } from '../../src/store/store-records.js';

export function rawCommit(fields: {
  card: string;
  requestId: string;
  settlementId: string;
  hospitalId?: string;
  expectedVersion?: string;
  deltas?: AccumulatorDeltas;
  date?: string;
}): CommitRequest {
  const hospitalId = fields.hospitalId ?? 'H1';
  return {
    card: fields.card,
    hospitalId,
    requestId: fields.requestId,
    benefitYear: 2019,
    bodyHash: `hash-of-${fields.requestId}`,
    claimToken: 'token',
    claimedAtMs: Date.now(),
    expectedVersion: fields.expectedVersion ?? '0',
    expectedFilingsVersion: '0',
    settlementId: fields.settlementId,
    deltas: fields.deltas ?? zeroDeltas(),
    response: Buffer.from(JSON.stringify({ settlementId: fields.settlementId, requestId: fields.requestId, hospitalId, benefitYear: 2019 })),
    ledger: { date: fields.date ?? '2026-11-24', entry: JSON.stringify({ id: fields.settlementId }) },
    stay: null,
  };
}
