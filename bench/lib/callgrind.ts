/**
 * The service under callgrind with counting off until asked (bench/instructions.ts,
 * bench/national.ts --instructions): valgrind's arguments, callgrind_control
 * while the process is kept busy, and the instructions a dump holds.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** vgdb names its shared files after LOGNAME and HOST as each side sees them (HOST is also the service's listen address). */
export const VGDB_ENV = { ...process.env, LOGNAME: '', HOST: '127.0.0.1' };

export interface Callgrind {
  /** valgrind's arguments to run node with `args`, counting off (`--instr-atstart=no`, so also faster) */
  args(args: string[]): string[];
  /**
   * A callgrind_control command, while the process is kept busy: without
   * ptrace (a container) vgdb waits for valgrind to poll, which it does only
   * while it runs code, never while node sleeps in epoll_wait.
   */
  control(pid: number, args: string[], busy: () => Promise<unknown>): Promise<void>;
  /** The `totals:` of the process's numbered dumps (`-d`), in order: each holds what was counted since the one before. */
  dumpedTotals(pid: number): number[];
}

export function callgrindIn(outDir: string): Callgrind {
  const vgdbPrefix = `--vgdb-prefix=${path.join(outDir, 'vgdb')}`;
  return {
    args: (args) => ['--tool=callgrind', vgdbPrefix, '--instr-atstart=no', `--callgrind-out-file=${path.join(outDir, 'callgrind.%p')}`, process.execPath, ...args],
    async control(pid, args, busy) {
      let done = false;
      const command = execFileAsync('callgrind_control', [vgdbPrefix, ...args, String(pid)], { env: VGDB_ENV }).finally(() => {
        done = true;
      });
      while (!done) {
        await busy().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 20));
      }
      await command;
    },
    dumpedTotals(pid) {
      const totals: number[] = [];
      const dump = new RegExp(`^callgrind\\.${pid}\\.(\\d+)$`);
      const files = readdirSync(outDir)
        .filter((f) => dump.test(f))
        .sort((a, b) => Number(dump.exec(a)![1]) - Number(dump.exec(b)![1]));
      for (const file of files) for (const [, total] of readFileSync(path.join(outDir, file), 'utf8').matchAll(/^totals: (\d+)/gm)) totals.push(Number(total));
      return totals;
    },
  };
}
