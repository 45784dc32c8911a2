/**
 * The service's node flags, named here only. Every way the service starts
 * passes them: `npm start` and the Dockerfile's CMD (through
 * src/ops/print-node-flags.ts), cluster workers (src/server.ts), npm run
 * local, the benches and the tests' built server, so a bench measures the
 * service as deployed. Operator tools (dist/cli) do not get them.
 *
 * --max-semi-space-size=32 (MB; Node 20's default is 16): a 2,000-line
 * bill outgrew a 16 MB semi-space mid-request; its GC fell from 5–12 ms to
 * 2–7 ms, its server CPU in five A/B runs of five; 64 gained nothing more
 * for twice the memory. Up to 48 MB more young generation a process:
 * docs/deploy.md "Node flags".
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

/** node's arguments to run `script` as the service; `extra` come after the service's flags, so a V8 flag there wins. */
export function serviceNodeArgs(script: string, extra: readonly string[] = []): string[] {
  return [...SERVICE_NODE_FLAGS, ...extra, script];
}

/** `execArgv` with the service's flags first: a flag of the same name already there comes later and wins (an operator's override). */
export function withServiceFlags(execArgv: readonly string[]): string[] {
  return [...SERVICE_NODE_FLAGS.filter((flag) => !execArgv.includes(flag)), ...execArgv];
}
