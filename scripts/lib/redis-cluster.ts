/**
 * Starts a real, throw-away Redis Cluster on free ports, for tests and
 * benchmarks: three cluster-enabled masters (and, with `replicas: 1`, one
 * replica each), joined with `redis-cli --cluster create`, returned once
 * cluster_state is ok, all 16384 slots are assigned and every replica is in
 * sync. kill() crashes one node (kill -9), restart() brings it back on its
 * port and directory (a failed-over master rejoins as a replica, as under a
 * supervisor); stop() kills the servers and removes their directories.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** The master's id, for a replica. */
  masterId: string | null;
  /** `fail`, `fail?` flags and the like. */
  failing: boolean;
  /** Slot ranges a master owns. */
  ranges: [number, number][];
}

export interface RedisCluster {
  /** Seed nodes as REDIS_CLUSTER_NODES wants them: "127.0.0.1:P1,127.0.0.1:P2,…" (every node, masters first). */
  nodes: string;
  /** Every node's port, the initial masters first. */
  ports: number[];
  /** redis-cli against one node (no -c: the reply of that node, no redirections). */
  cli(port: number, ...args: string[]): Promise<string>;
  /** CLUSTER NODES as seen by one live node. */
  topology(viewFrom?: number): Promise<ClusterNodeInfo[]>;
  /** kill -9 of one node; its directory stays for restart(). */
  kill(port: number): Promise<void>;
  /** Starts a killed node again on its port and directory. */
  restart(port: number): Promise<void>;
  /** Resolves when every master has `replicas` replicas in sync (master_link_status:up) and the cluster is ok. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const MASTERS = 3;
/** Redis refuses a cluster node whose bus port (port + 10000) does not exist. */
const HIGHEST_CLUSTER_PORT = 65535 - 10000;

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: ${what} not reached after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
  });
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (+10000) exists and is free too. */
export async function freeClusterPort(taken: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = await freePort();
    if (port > HIGHEST_CLUSTER_PORT || taken.includes(port) || taken.includes(port + 10000) || taken.includes(port - 10000)) continue;
    if (await bindable(port + 10000)) return port;
  }
  throw new Error('redis cluster: no free port with a free bus port');
}

export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(' ');
      const flags = fields[2]!.split(',');
      return {
        id: fields[0]!,
        port: Number(/:(\d+)@/.exec(fields[1]!)![1]),
        role: flags.includes('master') ? ('master' as const) : ('replica' as const),
        masterId: fields[3] === '-' ? null : fields[3]!,
        failing: flags.includes('fail') || flags.includes('fail?') || flags.includes('noaddr'),
        ranges: fields
          .slice(8)
          .filter((r) => !r.startsWith('['))
          .map((r) => {
            const [from, to] = r.split('-').map(Number);
            return [from!, to ?? from!] as [number, number];
          }),
      };
    });
}

export interface StartRedisClusterOptions {
  /** Listen on these ports (masters, then replicas) instead of free ones. */
  ports?: number[];
  /** Replicas per master (0 or more; default 0). */
  replicas?: number;
  /** cluster-node-timeout in ms (default 2000): how long before a silent master is failed over. */
  nodeTimeoutMs?: number;
}

export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisCluster> {
  const replicas = options.replicas ?? 0;
  const total = MASTERS * (1 + replicas);
  if (options.ports && options.ports.length !== total) throw new Error(`redis cluster: expected ${total} ports`);
  const ports: number[] = [...(options.ports ?? [])];
  const dirs = new Map<number, string>();
  const children = new Map<number, ChildProcess>();
  const stop = async () => {
    await Promise.all(
      [...children.values()].map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited(child);
        }
      }),
    );
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  };
  const launch = async (port: number) => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'no',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      String(options.nodeTimeoutMs ?? 2000),
      // As config/redis.conf recommends: a shard without a master stops only its own slots.
      '--cluster-require-full-coverage',
      'no',
      '--appendonly',
      'no',
      '--save',
      '',
      '--dir',
      dirs.get(port)!,
    ];
    children.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
    await until(`redis-server on ${port} answering`, 10_000, async () => (await cli(port, 'PING')).trim() === 'PONG');
  };
  const topology = async (viewFrom?: number) => {
    const live = viewFrom ?? [...children.entries()].find(([, c]) => c.exitCode === null && c.signalCode === null)![0];
    return parseClusterNodes(await cli(live, 'CLUSTER', 'NODES'));
  };
  const settled = async (timeoutMs = 30_000) => {
    const live = () => [...children.entries()].filter(([, c]) => c.exitCode === null && c.signalCode === null).map(([p]) => p);
    for (const port of live()) {
      await until(`cluster_state:ok on ${port}`, timeoutMs, async () => {
        const info = await cli(port, 'CLUSTER', 'INFO');
        return /cluster_state:ok/.test(info) && /cluster_slots_assigned:16384/.test(info) && new RegExp(`cluster_known_nodes:${total}\\b`).test(info);
      });
    }
    await until(`${replicas} replica(s) in sync per master`, timeoutMs, async () => {
      const nodes = await topology();
      const masters = nodes.filter((n) => n.role === 'master' && n.ranges.length > 0 && !n.failing);
      if (masters.length !== MASTERS) return false;
      for (const master of masters) {
        const own = nodes.filter((n) => n.role === 'replica' && n.masterId === master.id && !n.failing);
        if (own.length < replicas) return false;
        for (const replica of own) {
          if (!/master_link_status:up/.test(await cli(replica.port, 'INFO', 'replication'))) return false;
        }
      }
      return true;
    });
  };
  try {
    while (ports.length < total) ports.push(await freeClusterPort(ports));
    for (const port of ports) {
      if (port > HIGHEST_CLUSTER_PORT) throw new Error(`redis cluster: port ${port} leaves no room for its bus port`);
      dirs.set(port, mkdtempSync(path.join(os.tmpdir(), `settle-cluster-${port}-`)));
    }
    await Promise.all(ports.map(launch));
    // redis-cli makes the first MASTERS addresses masters and the rest their replicas.
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'], {
      timeout: 30_000,
    });
    // Every node must see the whole cluster (the gossip settles after create returns).
    await settled();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`).join(','),
    ports,
    cli,
    topology,
    async kill(port: number) {
      const child = children.get(port);
      if (!child) throw new Error(`redis cluster: no node on ${port}`);
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart(port: number) {
      const child = children.get(port);
      if (child && child.exitCode === null && child.signalCode === null) throw new Error(`redis cluster: node ${port} is running`);
      await launch(port);
    },
    settled,
    stop,
  };
}
