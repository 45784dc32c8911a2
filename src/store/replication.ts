/**
 * Replica acknowledgement, so a failover loses no answered write. When the Redis deployment has replicas,
 * a write the service answers for (a commit, a reversal, the requestId claim
 * and the day-ledger slot note before a commit, the replay of a committed
 * settlement) is followed by `WAIT <replicas> <timeout>`, and the answer is
 * given only once that many replicas hold it. Short of that: 503 UNAVAILABLE,
 * "result unknown"; the write did apply on the master, and the desk's retry
 * with the same requestId answers it once a replica confirms it.
 *
 * Why a pipeline, and on which connection. WAIT counts the replication offset
 * of the last write *of its own connection*, so it must follow the write on
 * the same connection, to the master of the key's slot. ioredis sends a
 * pipeline to one node, chosen by the keys of its commands; a keyless WAIT
 * rides along with the script (checked by test/cluster/replicas.test.ts).
 * Scripts go as EVALSHA, re-sent as EVAL on NOSCRIPT by this module (not by
 * ioredis, whose fallback would send the EVAL outside the pipeline, after the
 * WAIT). A WAIT blocks its connection until the replicas answer, so these
 * pipelines never use the shared, auto-pipelined connection of the reads: they
 * go round-robin over a few dedicated connections.
 *
 * What this does not guarantee (docs/deploy.md "Replicas"): replication stays
 * asynchronous. An acknowledged write is in a replica's memory, not on its
 * disk; it can still be lost when the replica that has it is not the one
 * promoted (two or more replicas per master), when master and replica go down
 * together, or on a forced manual failover.
 */
import { Cluster, type ChainableCommander } from 'ioredis';
import { ReplicationUnconfirmedError } from '../domain/errors.js';
import { SCRIPT_SOURCES, whenReady, type RedisClient, type ScriptedClient } from './redis.js';

export interface ReplicaAcknowledgementOptions {
  /** Replicas a write must reach; 'auto': 1 when the deployment has replicas at start, else 0. */
  minReplicas: number | 'auto';
  /** WAIT's timeout in ms (below the Redis command timeout). */
  timeoutMs: number;
  /** Opens one more connection to the same deployment (for the dedicated WAIT connections). */
  connect: () => ScriptedClient;
  /** Dedicated connections, used round-robin (default 4). */
  connections?: number;
  /** Told once what was detected. */
  onResolved?: (required: number, how: 'configured' | 'detected', topology: string) => void;
}

type ScriptName = keyof typeof SCRIPT_NAMES;
const SCRIPT_NAMES = {
  commitSettlement: true,
  reverseSettlement: true,
  compactLedger: true,
} as const;

/** How many replicas the deployment has (on a cluster, the most any master has), with a line saying what was found. */
export async function detectReplicas(client: RedisClient): Promise<{ replicas: number; topology: string }> {
  if (client instanceof Cluster) {
    const lines = String(await client.cluster('NODES'))
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    const masters = lines.filter((f) => f[2]!.includes('master') && !f[2]!.includes('fail') && f.length > 8).map((f) => f[0]!);
    const replicasOf = (id: string) => lines.filter((f) => f[3] === id && !f[2]!.includes('fail')).length;
    const counts = masters.map(replicasOf);
    return { replicas: counts.length ? Math.max(...counts) : 0, topology: `cluster: ${masters.length} masters with ${counts.join(', ')} replicas` };
  }
  const info = await client.info('replication');
  const replicas = Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? 0);
  return { replicas, topology: `single Redis with ${replicas} connected replicas` };
}

export class ReplicaAcknowledgement {
  private required: Promise<number> | null = null;
  private readonly pool: ScriptedClient[] = [];
  private turn = 0;

  constructor(private readonly options: ReplicaAcknowledgementOptions) {}

  /** Replicas every answered write must reach (detected once; a failed detection is retried on the next write). */
  requiredReplicas(shared: RedisClient): Promise<number> {
    if (this.required === null) {
      this.required = this.resolve(shared).catch((error: unknown) => {
        this.required = null;
        throw error;
      });
    }
    return this.required;
  }

  private async resolve(shared: RedisClient): Promise<number> {
    const { minReplicas } = this.options;
    let required: number;
    let topology = '';
    if (minReplicas === 'auto') {
      const found = await detectReplicas(shared);
      topology = found.topology;
      // "1 where replicas exist": a master without one (e.g. after a failover) answers its writes 503 until one is back.
      required = found.replicas > 0 ? 1 : 0;
    } else {
      required = minReplicas;
    }
    if (required > 0) {
      if (this.pool.length === 0) {
        for (let i = 0; i < (this.options.connections ?? 4); i++) {
          const connection = this.options.connect();
          // A failing connection fails its writes (503); the shared connection reports outages.
          connection.on('error', () => {});
          this.pool.push(connection);
        }
      }
      await Promise.all(this.pool.map((connection) => whenReady(connection, 10_000)));
    }
    this.options.onResolved?.(required, minReplicas === 'auto' ? 'detected' : 'configured', topology);
    return required;
  }

  /**
   * Runs one of the scripts; when replicas are required, in a pipeline with
   * WAIT on a dedicated connection, and throws ReplicationUnconfirmedError when
   * the script wrote (`wrote(reply)`) but too few replicas confirmed it.
   */
  async script<T>(shared: ScriptedClient, name: ScriptName, args: (string | Buffer)[], wrote: (reply: T) => boolean): Promise<T> {
    const required = await this.requiredReplicas(shared);
    if (required === 0) return (shared[name] as (...a: (string | Buffer)[]) => Promise<T>)(...args);
    const source = SCRIPT_SOURCES.get(name);
    if (!source) throw new Error(`no script ${name}`);
    let { reply, acknowledged } = await this.waitAfter<T>(required, (p) => p.evalsha(source.sha, source.numberOfKeys, ...args));
    if (reply instanceof Error && reply.message.includes('NOSCRIPT')) {
      ({ reply, acknowledged } = await this.waitAfter<T>(required, (p) => p.eval(source.lua, source.numberOfKeys, ...args)));
    }
    if (reply instanceof Error) throw reply;
    if (wrote(reply) && acknowledged < required) throw this.unconfirmed(acknowledged, required);
    return reply;
  }

  /** Like script(), for one plain command of one key (e.g. SET … NX GET). */
  async command<T>(shared: ScriptedClient, command: string, args: (string | Buffer | number)[], wrote: (reply: T) => boolean): Promise<T> {
    const required = await this.requiredReplicas(shared);
    if (required === 0) return shared.call(command, ...args) as Promise<T>;
    const { reply, acknowledged } = await this.waitAfter<T>(required, (p) => p.call(command, ...args));
    if (reply instanceof Error) throw reply;
    if (wrote(reply) && acknowledged < required) throw this.unconfirmed(acknowledged, required);
    return reply;
  }

  private async waitAfter<T>(required: number, write: (p: ChainableCommander) => void): Promise<{ reply: T | Error; acknowledged: number }> {
    const connection = this.pool[this.turn++ % this.pool.length]!;
    const pipeline = connection.pipeline();
    write(pipeline);
    pipeline.wait(required, this.options.timeoutMs);
    const replies = await pipeline.exec();
    if (replies?.length !== 2) throw new Error('replica acknowledgement: the pipeline returned nothing');
    const [[writeError, reply], [waitError, acknowledged]] = replies as [[Error | null, T], [Error | null, number]];
    // ioredis retries a cluster pipeline by itself only when all its commands failed alike; a
    // redirected write beside a WAIT refused by a replica comes back here: learn the new topology.
    if ((writeError || waitError) && connection instanceof Cluster) connection.refreshSlotsCache();
    if (writeError) return { reply: writeError, acknowledged: 0 };
    if (waitError) throw waitError;
    return { reply, acknowledged: Number(acknowledged) };
  }

  private unconfirmed(acknowledged: number, required: number): ReplicationUnconfirmedError {
    return new ReplicationUnconfirmedError(
      `the write reached the primary, but ${acknowledged} of the ${required} replica(s) required confirmed it within ${this.options.timeoutMs} ms; ` +
        'the result is unknown: retry with the same requestId, which answers the stored result once a replica holds it',
    );
  }

  /** Closes the dedicated connections. */
  disconnect(): void {
    for (const connection of this.pool.splice(0)) connection.disconnect();
  }
}

/** No replicas required: every call runs on the shared connection, unchanged. */
export const NO_REPLICA_ACKNOWLEDGEMENT = new ReplicaAcknowledgement({
  minReplicas: 0,
  timeoutMs: 0,
  connect: () => {
    throw new Error('no dedicated connections without replicas');
  },
});
