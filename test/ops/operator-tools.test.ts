/**
 * The operator tools as the production image runs them (node dist/cli/<tool>.js,
 * compiled by npm run build): each is there, a tool that cannot reach Redis
 * names the address it tried (never the password) and how to set another, and
 * keygen gives a second key of a hospital its own id.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis-server.js';
import { ROOT } from '../helpers/worked-examples.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'operator-tools-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tool(name: string, args: string[], env: Record<string, string | undefined> = {}) {
  const merged: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: undefined, REDIS_CLUSTER_NODES: undefined, ...env };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return spawnSync(process.execPath, [path.join(ROOT, 'dist/cli', `${name}.js`), ...args], { cwd: ROOT, encoding: 'utf8', env: merged, timeout: 20_000 });
}

describe('operator tools in dist/cli', () => {
  it('every src/cli tool is compiled into dist/cli', () => {
    const sources = readdirSync(path.join(ROOT, 'src/cli')).filter((f) => f.endsWith('.ts'));
    for (const file of sources) expect(existsSync(path.join(ROOT, 'dist/cli', file.replace(/\.ts$/, '.js'))), file).toBe(true);
    for (const name of ['import', 'archive', 'keygen', 'catalogue-import']) expect(sources).toContain(`${name}.ts`);
  });

  it('import and archive name the Redis they tried and how to set it, hiding the password', async () => {
    const port = await freePort(); // nothing listens there
    const csv = path.join(scratch, 'enrollees.csv');
    writeFileSync(csv, 'card\n');
    const imported = tool('import', ['enrollees', csv], { REDIS_URL: `redis://settlement:hunter2@127.0.0.1:${port}` });
    expect(imported.status).toBe(1);
    expect(imported.stderr).toContain(`import: cannot reach Redis at redis://settlement:***@127.0.0.1:${port}`);
    expect(imported.stderr).not.toContain('hunter2');
    expect(imported.stderr).toContain('Set REDIS_URL=');
    expect(imported.stderr).toContain('npm run local');
    expect(imported.stderr).toContain('docker compose run --rm settlement node dist/cli/');

    const archived = tool('archive', ['--year', '2018', '--out', scratch], { REDIS_CLUSTER_NODES: `127.0.0.1:${port}` });
    expect(archived.status).toBe(1);
    expect(archived.stderr).toContain(`archive: cannot reach Redis at REDIS_CLUSTER_NODES=127.0.0.1:${port}`);

    const unset = tool('archive', ['--year', '2018', '--out', scratch], { REDIS_URL: 'localhost:6379' });
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('archive: invalid configuration: REDIS_URL');
    expect(unset.stderr).toContain('Set REDIS_URL=');
  });

  it('keygen: a second key of a hospital gets its own id; --id is used as given; --keys-file refuses a duplicate', () => {
    const line = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as { id: string; hospitalId: string; sha256: string };
    const first = line(tool('keygen', ['--role', 'billing', '--hospital', 'PY-COUNTY']).stdout);
    const second = line(tool('keygen', ['--role', 'billing', '--hospital', 'PY-COUNTY']).stdout);
    expect(first.id).toMatch(/^billing-PY-COUNTY-\d{8}-[0-9a-f]{4}$/);
    expect(second.id).not.toBe(first.id);
    expect(second.sha256).not.toBe(first.sha256);

    const named = line(tool('keygen', ['--role', 'admin', '--id', 'ops-alice']).stdout);
    expect(named.id).toBe('ops-alice');

    const file = path.join(scratch, 'api-keys.json');
    writeFileSync(file, JSON.stringify([first, { id: 'ops-alice', role: 'admin', sha256: named.sha256 }]));
    const duplicate = tool('keygen', ['--role', 'billing', '--hospital', 'PY-COUNTY', '--id', first.id, '--keys-file', file]);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toContain(`duplicate id "${first.id}"`);
    const fresh = tool('keygen', ['--role', 'billing', '--hospital', 'PY-COUNTY', '--keys-file', file]);
    expect(fresh.status).toBe(0);
    expect(tool('keygen', ['--role', 'billing']).status).toBe(2);
  });

  it('catalogue import runs from dist and says how to call it', () => {
    const result = tool('catalogue-import', []);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--id <catalogueId>');
  });
});
