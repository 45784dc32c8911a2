/**
 * Fails the running test when an answer it received broke the OpenAPI
 * document (test/helpers/contract.ts); answers seen in beforeAll/afterAll
 * hooks fail the file's last hook.
 */
import { afterAll, afterEach } from 'vitest';
import { takeContractViolations } from '../helpers/contract.js';

function failOnViolations(): void {
  const violations = takeContractViolations();
  if (violations.length === 0) return;
  const shown = [...new Set(violations)].slice(0, 10);
  throw new Error(`${violations.length} answer(s) broke the OpenAPI document:\n  ${shown.join('\n  ')}`);
}

afterEach(failOnViolations);
afterAll(failOnViolations);
