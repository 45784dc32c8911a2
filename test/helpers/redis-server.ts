/** Tests start a real, throw-away redis-server (no mocks): the launcher is shared with the benchmarks and npm run local. */
export { freePort, startRedis, type RedisServer } from '../../scripts/lib/redis-server.js';
