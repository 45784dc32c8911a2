/**
 * scripts/ensure-system.mjs (npm's pretest and prelocal): a bare Debian is
 * shown by narrowing PATH, so nothing the suite needs is found; the dry run
 * lists what root would install, and anyone else is stopped with the one
 * apt-get line.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/worked-examples.js';

const SCRIPT = path.join(ROOT, 'scripts/ensure-system.mjs');
/** The script where another user can read it: a checkout may sit in a directory only its owner opens (mktemp -d). */
function readableCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ensure-system-'));
  chmodSync(dir, 0o755);
  const copy = path.join(dir, 'ensure-system.mjs');
  copyFileSync(SCRIPT, copy);
  chmodSync(copy, 0o644);
  return copy;
}
const run = (args: string[], env: NodeJS.ProcessEnv = process.env, asUser?: string) =>
  asUser
    ? spawnSync('runuser', ['-u', asUser, '--', 'env', `PATH=${env.PATH}`, process.execPath, readableCopy(), ...args], { encoding: 'utf8', cwd: os.tmpdir() })
    : spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env });
const bare = { ...process.env, PATH: '/nonexistent' };
const ALL = 'redis-server chromium poppler-utils fonts-noto-cjk prometheus';

describe('ensure-system', () => {
  it('on a bare machine would install everything npm test needs, and only redis for npm run local', () => {
    const test = run(['test', '--dry-run'], bare);
    expect(test.status).toBe(0);
    expect(test.stdout).toContain(`would install: ${ALL}`);
    expect(test.stdout).toContain(`apt-get install -y --no-install-recommends ${ALL}`);
    const local = run(['local', '--dry-run'], bare);
    expect(local.stdout).toContain('would install: redis-server\n');
  });

  it('finds everything on this machine and installs nothing', () => {
    const test = run(['test', '--dry-run']);
    expect(test.stdout).toBe('ensure-system: nothing to install for npm test\n');
    const real = run(['test']);
    expect([real.status, real.stdout, real.stderr]).toEqual([0, '', '']);
  });

  it.runIf(process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v runuser']).status === 0)('stops at once, not root, with the one apt-get line', () => {
    const result = run(['test'], bare, 'nobody');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`sudo apt-get update && sudo apt-get install -y --no-install-recommends ${ALL}`);
  });
});
