/**
 * Starts a real redis-server on a free port, for tests, benchmarks and
 * npm run local. By default it is throw-away: stop() removes its directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  port: number;
  url: string;
  dir: string;
  process: ChildProcess;
  /** Kill -9 (crash) or SIGTERM; keeps the directory so it can be restarted from its files. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts again on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        // A server whose default user is off (an ACL file, docs/deploy.md) answers NOAUTH: it is up.
        resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface StartRedisOptions {
  /** Keep data here (and keep it on stop()) instead of a temporary directory. */
  dir?: string;
}

export async function startRedis(extraArgs: string[] = [], options: StartRedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'settle-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...extraArgs];
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitForPort(port);
  };
  await launch();
  const exited = (proc: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
    });
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get process() {
      return child;
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const proc = child;
      proc.kill(signal);
      await exited(proc);
    },
    async restart() {
      await launch();
    },
    async stop() {
      const proc = child;
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited(proc);
      }
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}
