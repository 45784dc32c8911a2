/** What every route module receives, and small helpers they share. */
import type { Request, Response } from 'express';
import type { PolicyCatalog } from '../../policy/catalog.js';
import type { ReferralService } from '../../service/referrals.js';
import type { RegistryBulk } from '../../service/registry-bulk.js';
import type { RegistryService } from '../../service/registry.js';
import type { SettlementService } from '../../service/settlements.js';
import type { StatementService } from '../../service/statements.js';

export interface RouteDependencies {
  catalog: PolicyCatalog;
  settlements: SettlementService;
  registry: RegistryService;
  referrals: ReferralService;
  statements: StatementService;
  /** The clock, for checks against today (a birth date in the future). */
  now: () => Date;
  /** Batched registry writes (POST /v1/enrollees:bulk). */
  bulk: RegistryBulk;
  /** Charges a body's items (fee lines, rows) to the caller's key; absent: not charged. */
  chargeItems?: ((req: Request, items: number, what: 'lines' | 'rows') => Promise<void>) | undefined;
}

/** How many items a parsed body's array holds (before it is validated: its cost is charged first). */
export function itemsOf(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** Sends JSON text that is already serialised (stored responses are answered byte for byte). */
export function sendJsonText(res: Response, status: number, body: string | Buffer): void {
  res.status(status).type('application/json').send(body);
}
