/**
 * CPU time (user + system) used so far by a process and all its descendants,
 * from /proc (Linux). Divided by the requests served it gives CPU per request,
 * a steadier figure than req/s on a machine shared with the load generator.
 * Null where /proc is not available.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; ticks: number } | null {
  try {
    // pid (comm) state ppid ... utime(14) stime(15); comm may contain spaces, so split after ')'
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

export function processTreeCpuMs(root: number): number | null {
  if (stat(root) === null) return null;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  let ticks = 0;
  const pending = [root];
  while (pending.length) {
    const pid = pending.pop()!;
    ticks += stat(pid)?.ticks ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** Minor page faults of one process so far (/proc/<pid>/stat minflt): each a fresh page touched, ~10 µs on a VM. Null where /proc is not available. */
export function processMinorFaults(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[7]);
  } catch {
    return null;
  }
}
