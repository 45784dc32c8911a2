/**
 * Who is asking (api.md "Callers and keys"): a billing key acts for one
 * hospital, a referral key for the persons of one region, an admin key for all.
 */
export type Caller = { id: string; role: 'billing'; hospitalId: string } | { id: string; role: 'referral'; region: string } | { id: string; role: 'admin' };
