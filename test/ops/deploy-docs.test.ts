/**
 * The runbook and what ships agree: config/redis.conf's maxmemory is the one
 * docs/deploy.md sizes for, every operator tool in src/cli is documented with
 * how to run it in the image, and keygen's --id is explained.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/worked-examples.js';

const deploy = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
const redisConf = readFileSync(path.join(ROOT, 'config/redis.conf'), 'utf8');

describe('docs/deploy.md', () => {
  it('sizes Redis as config/redis.conf is set', () => {
    const maxmemory = /^maxmemory (\d+)gb$/m.exec(redisConf);
    expect(maxmemory, 'redis.conf sets maxmemory in gb').not.toBeNull();
    expect(deploy).toContain(`maxmemory ≈ ${maxmemory![1]} GB`);
    expect(deploy).toContain(`\`maxmemory ${maxmemory![1]}gb\``);
    expect(redisConf).toMatch(/^maxmemory-policy noeviction$/m);
  });

  it('shows how to run every tool of dist/cli in the image', () => {
    const tools = readdirSync(path.join(ROOT, 'src/cli'))
      // A tool reads its command line; a shared module (redis-connection.ts) does not.
      .filter((f) => f.endsWith('.ts') && /parseArgs|process\.argv/.test(readFileSync(path.join(ROOT, 'src/cli', f), 'utf8')))
      .map((f) => f.replace(/\.ts$/, ''));
    for (const tool of tools) expect(deploy, tool).toContain(`node dist/cli/${tool}.js`);
  });

  it('explains keygen --id and distinct ids, backups and restore, alerts and the dashboard', () => {
    expect(deploy).toContain('--id');
    expect(deploy).toMatch(/second key of the same hospital/);
    for (const heading of [
      '## Secrets and key rotation',
      '## Sizing',
      '## Backups and restore',
      '## Monitoring and alerts',
      '## Failover, and what the operator does after one',
      '## Upgrades',
      '## Operator tools',
      '## Replicas: what a 201 promises',
    ]) {
      expect(deploy).toContain(heading);
    }
    expect(deploy).toContain('ops/prometheus/alerts.yml');
    expect(deploy).toContain('ops/grafana/dashboard.json');
    expect(deploy).toContain('[docs/bounds.md](bounds.md)');
  });
});
