/**
 * The service's node flags are named in src/ops/node-flags.ts only: `npm
 * start` and the Dockerfile's CMD take them from its printer, the spawners
 * from serviceNodeArgs, cluster workers from withServiceFlags.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_FLAGS, serviceNodeArgs, withServiceFlags } from '../../src/ops/node-flags.js';
import { ROOT } from '../helpers/worked-examples.js';

const FROM_PRINTER = '$(node dist/ops/print-node-flags.js) dist/server.js';

describe("the service's node flags", () => {
  it('npm start and the Dockerfile run dist/server.js under the printed flags, and name no V8 flag themselves', () => {
    const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
    expect(start).toBe(`node ${FROM_PRINTER}`);
    const cmd = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('CMD '));
    expect(cmd).toEqual([`CMD ["sh", "-c", "exec node ${FROM_PRINTER}"]`]);
  });

  it('the printer prints them, space-separated', () => {
    const printed = execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/ops/print-node-flags.ts')], { cwd: ROOT, encoding: 'utf8' });
    expect(printed.trim().split(' ')).toEqual([...SERVICE_NODE_FLAGS]);
  });

  it("a spawner's extra flags come after the service's (a later V8 flag wins), the script last", () => {
    expect(serviceNodeArgs('s.js', ['--max-semi-space-size=16'])).toEqual([...SERVICE_NODE_FLAGS, '--max-semi-space-size=16', 's.js']);
  });

  it("workers get the flags once, before the primary's own", () => {
    expect(withServiceFlags([])).toEqual([...SERVICE_NODE_FLAGS]);
    expect(withServiceFlags([...SERVICE_NODE_FLAGS, '--inspect'])).toEqual([...SERVICE_NODE_FLAGS, '--inspect']);
    expect(withServiceFlags(['--max-semi-space-size=16'])).toEqual([...SERVICE_NODE_FLAGS, '--max-semi-space-size=16']);
  });
});
