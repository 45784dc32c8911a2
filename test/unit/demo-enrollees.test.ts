/** The demo persons are believable at the window: birth date and sex as their card numbers (GB 11643) say. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/worked-examples.js';

const enrollees = JSON.parse(readFileSync(path.join(ROOT, 'config/demo/enrollees.json'), 'utf8')) as Record<string, { birthDate: string; sex: 'F' | 'M' }>;

describe('config/demo/enrollees.json', () => {
  it.each(Object.entries(enrollees))('%s: birth date digits 7–14, sex the parity of digit 17', (card, person) => {
    expect(card).toMatch(/^\d{17}[\dX]$/);
    expect(person.birthDate).toBe(`${card.slice(6, 10)}-${card.slice(10, 12)}-${card.slice(12, 14)}`);
    expect(person.sex).toBe(Number(card[16]) % 2 === 1 ? 'M' : 'F');
  });
});
