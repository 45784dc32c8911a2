/**
 * Starts a real, throw-away 3-master Redis Cluster (no replicas) on free
 * ports, for tests and benchmarks: three cluster-enabled redis-servers, joined
 * with `redis-cli --cluster create`, returned once cluster_state is ok and all
 * 16384 slots are assigned. stop() kills the servers and removes their
 * directories.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

export interface RedisCluster {
  /** Seed nodes as REDIS_CLUSTER_NODES wants them: "127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3". */
  nodes: string;
  ports: number[];
  /** redis-cli against one node (no -c: the reply of that node, no redirections). */
  cli(port: number, ...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const MASTERS = 3;

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

export interface StartRedisClusterOptions {
  /** Listen on these three ports instead of free ones. */
  ports?: number[];
}

export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RedisCluster> {
  if (options.ports && options.ports.length !== MASTERS) throw new Error(`redis cluster: expected ${MASTERS} ports`);
  const ports: number[] = [...(options.ports ?? [])];
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await exited(child);
        }
      }),
    );
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    while (ports.length < MASTERS) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `settle-cluster-${port}-`));
      dirs.push(dir);
      const args = [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--protected-mode', 'no',
        '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '2000',
        '--appendonly', 'no',
        '--save', '',
        '--dir', dir,
      ];
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
    }
    for (const port of ports) await until(`redis-server on ${port} answering`, 10_000, async () => (await cli(port, 'PING')).trim() === 'PONG');

    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    // Every node must see the whole cluster (the gossip settles after create returns).
    for (const port of ports) {
      await until(`cluster_state:ok on ${port}`, 20_000, async () => {
        const info = await cli(port, 'CLUSTER', 'INFO');
        return /cluster_state:ok/.test(info) && /cluster_slots_assigned:16384/.test(info) && new RegExp(`cluster_known_nodes:${MASTERS}\\b`).test(info);
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: ports.map((p) => `127.0.0.1:${p}`).join(','), ports, cli, stop };
}
