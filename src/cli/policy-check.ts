/**
 * npm run policy:check -- FILE…  (a directory checks every policy file in it)
 * Validates each policy file, lists every error with its path, the values it
 * marks assumed, and runs its worked examples (expected vs computed). Exit
 * status 1 when any file has an error or a failing example.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { checkPolicyText, formatCheck } from '../policy/check.js';

function filesOf(args: readonly string[]): string[] {
  return args.flatMap((arg) =>
    statSync(arg).isDirectory()
      ? readdirSync(arg)
          .filter((name) => /\.(ya?ml|json)$/.test(name))
          .sort()
          .map((name) => path.join(arg, name))
      : [arg],
  );
}

const args = process.argv.slice(2).filter((arg) => arg !== '--');
if (args.length === 0) {
  console.error('usage: npm run policy:check -- FILE… (policy files or directories)');
  process.exit(2);
}
let failed = 0;
for (const file of filesOf(args)) {
  const check = checkPolicyText(file, readFileSync(file, 'utf8'));
  console.log(formatCheck(check));
  if (!check.ok) failed += 1;
}
if (failed > 0) {
  console.log(`${failed} file${failed === 1 ? '' : 's'} failed`);
  process.exit(1);
}
