/**
 * A TCP proxy in front of redis-server that can lose or delay the reply to
 * the next command matching a pattern — the faults a network gives a client
 * whose command was executed but whose answer never arrived in time.
 */
import net from 'node:net';
import { SCRIPT_SOURCES } from '../../src/store/redis.js';

/** The commit script's call (EVALSHA of its sha), not the person's read script that precedes it in a settlement. */
export function commitScriptCall(): RegExp {
  const script = SCRIPT_SOURCES.get('commitSettlement');
  if (!script) throw new Error('no commit script loaded yet: create a client first');
  return new RegExp(`evalsha[\\s\\S]*${script.sha}`, 'i');
}

export type ProxyFault = { kind: 'drop-connection-after'; match: RegExp } | { kind: 'delay-reply'; match: RegExp; ms: number };

export class TcpProxy {
  private server: net.Server;
  private fault: ProxyFault | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** How many times a fault fired. */
  fired = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => this.connect(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  arm(fault: ProxyFault): void {
    this.fault = fault;
  }

  private connect(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    let triggered: ProxyFault | null = null;
    let releaseAt = 0;
    client.on('data', (chunk) => {
      if (this.fault?.match.test(chunk.toString('latin1'))) {
        triggered = this.fault;
        this.fault = null;
        this.fired++;
        if (triggered.kind === 'delay-reply') releaseAt = Date.now() + triggered.ms;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (triggered?.kind === 'drop-connection-after') {
        triggered = null;
        client.destroy();
        upstream.destroy();
        return;
      }
      const wait = releaseAt - Date.now();
      if (wait > 0) setTimeout(() => client.writable && client.write(chunk), wait);
      else if (client.writable) client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
