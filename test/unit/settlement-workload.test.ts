import { describe, expect, it } from 'vitest';
import { HOSPITALS, PERSONS, settlementBodies } from '../../bench/lib/settlement-workload.js';

describe('the HTTP bench workload', () => {
  it("gives each person's stays days of their own, so none is refused STAY_OVERLAPS", () => {
    const next = settlementBodies('t');
    const stays = new Map<string, { admissionDate: string; dischargeDate: string }[]>();
    const requestIds = new Set<string>();
    for (let i = 0; i < PERSONS * 4; i++) {
      const body = JSON.parse(next()) as { requestId: string; card: string; hospitalId: string; admissionDate: string; dischargeDate: string };
      requestIds.add(body.requestId);
      const person = Number(body.card.slice('BENCH'.length));
      const hospital = HOSPITALS[person % HOSPITALS.length]!;
      expect(body.hospitalId).toBe(hospital.hospitalId);
      expect(body.dischargeDate.slice(0, 4)).toBe(String(hospital.year));
      expect(Date.parse(body.dischargeDate) - Date.parse(body.admissionDate)).toBe(86_400_000);
      stays.set(body.card, [...(stays.get(body.card) ?? []), body]);
    }
    expect(requestIds.size).toBe(PERSONS * 4);
    for (const list of stays.values()) {
      expect(list).toHaveLength(4);
      // Each stay begins on or after the previous one's discharge day (a transfer day is no overlap).
      for (let k = 1; k < list.length; k++) expect(list[k]!.admissionDate >= list[k - 1]!.dischargeDate).toBe(true);
    }
  });
});
