/** Follows `next` through a person's paginated settlement list (GET /v1/enrollees/{card}/settlements). */
import type supertest from 'supertest';

export async function allSettlements<T = Record<string, unknown>>(http: ReturnType<typeof supertest>, auth: Record<string, string>, card: string, year: number): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `year=${year}&limit=200${cursor === null ? '' : `&cursor=${cursor}`}`;
    const res = await http.get(`/v1/enrollees/${card}/settlements?${query}`).set(auth);
    if (res.status !== 200) throw new Error(`settlement list of ${card}: ${res.status} ${res.text}`);
    all.push(...(res.body.settlements as T[]));
    cursor = res.body.next as string | null;
  } while (cursor !== null);
  return all;
}
