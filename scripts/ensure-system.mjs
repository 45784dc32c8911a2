#!/usr/bin/env node
/**
 * The Debian packages the suite and `npm run local` need, found or installed
 * before they run (npm's "pretest" and "prelocal"):
 *
 *   node scripts/ensure-system.mjs test|local [--dry-run]
 *
 * Quick when everything is there (a few `command -v`, no apt). When something
 * is missing: as root, one `apt-get install` (after `apt-get update` if the
 * first attempt fails); otherwise it stops at once, printing the one apt-get
 * line to run. --dry-run prints what it would install and exits 0 (with
 * PATH narrowed to node's own directory it shows a bare machine's list).
 *
 * Plain JavaScript on purpose: it runs before `npm run build` and must not
 * need tsx or a compiled dist/.
 */
import { spawnSync } from 'node:child_process';

/** What each package gives us, and how we know it is there. */
const PACKAGES = {
  // Tests and `npm run local` start their own throw-away servers (and cluster nodes via redis-cli).
  'redis-server': { commands: ['redis-server', 'redis-cli'] },
  // The desk's end-to-end tests drive Debian's chromium, never a downloaded browser.
  chromium: { commands: ['chromium'] },
  // pdftoppm / pdftotext turn the printed slip into a PNG and read its text.
  'poppler-utils': { commands: ['pdftoppm', 'pdftotext'] },
  // Without a CJK font every Chinese glyph is a box (test/e2e/cjk-font.test.ts checks it renders).
  'fonts-noto-cjk': { font: 'Noto Sans CJK' },
  // promtool checks ops/prometheus/alerts.yml.
  prometheus: { commands: ['promtool'] },
  // bench/instructions.ts counts instructions per settlement under callgrind (bench:smoke runs it).
  valgrind: { commands: ['valgrind', 'callgrind_control'] },
};

const NEEDS = {
  test: ['redis-server', 'chromium', 'poppler-utils', 'fonts-noto-cjk', 'prometheus', 'valgrind'],
  local: ['redis-server'],
};

function hasCommand(command) {
  return spawnSync('/bin/sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function hasFont(family) {
  // No fontconfig means no chromium yet either (it brings fontconfig): count the font missing too;
  // apt-get leaves an installed package as it is.
  if (!hasCommand('fc-list')) return false;
  const listed = spawnSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' });
  return listed.status === 0 && listed.stdout.toLowerCase().includes(family.toLowerCase());
}

function isPresent(name) {
  const what = PACKAGES[name];
  if (what.font) return hasFont(what.font);
  return what.commands.every(hasCommand);
}

function missingPackages(purpose) {
  return NEEDS[purpose].filter((name) => !isPresent(name));
}

function main() {
  const args = process.argv.slice(2);
  const purpose = args.find((a) => !a.startsWith('--')) ?? 'test';
  const dryRun = args.includes('--dry-run');
  if (!NEEDS[purpose]) {
    process.stderr.write('usage: node scripts/ensure-system.mjs test|local [--dry-run]\n');
    process.exit(2);
  }
  const missing = missingPackages(purpose);
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (missing.length === 0) {
    if (dryRun) process.stdout.write(`ensure-system: nothing to install for npm ${purpose === 'test' ? 'test' : 'run local'}\n`);
    return;
  }
  if (dryRun) {
    process.stdout.write(`ensure-system: would install: ${missing.join(' ')}\n  ${line}\n`);
    return;
  }
  const root = process.getuid?.() === 0;
  if (!root || !hasCommand('apt-get')) {
    process.stderr.write(`ensure-system: missing Debian packages: ${missing.join(' ')}\n` + `Install them, then run the command again:\n  sudo apt-get update && sudo ${line}\n`);
    process.exit(1);
  }
  process.stderr.write(`ensure-system: installing ${missing.join(' ')} (Debian packages)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env }).status === 0;
  // A fresh image has no package lists: update only when the first attempt fails.
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (!install()) {
      process.stderr.write(`ensure-system: apt-get could not install ${missing.join(' ')}\n`);
      process.exit(1);
    }
  }
  const still = missingPackages(purpose);
  if (still.length) {
    process.stderr.write(`ensure-system: installed, yet still missing: ${still.join(' ')}\n`);
    process.exit(1);
  }
}

main();
