/**
 * Prints the service's node flags (src/ops/node-flags.ts), space-separated,
 * for a shell to put before dist/server.js: `npm start` and the Dockerfile's
 * CMD run `exec node $(node dist/ops/print-node-flags.js) dist/server.js`,
 * so no launcher process stays between the supervisor and the server.
 */
import { SERVICE_NODE_FLAGS } from './node-flags.js';

process.stdout.write(`${SERVICE_NODE_FLAGS.join(' ')}\n`);
