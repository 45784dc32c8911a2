/**
 * The replay gives each batch the shared slot it was read into, even when a
 * worker frees another slot of that lane while the batch is still being read
 * (the reading thread awaits the file between lending the slot and handing the
 * batch over): every line is replayed once, none is lost or sent twice.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { NdjsonGzWriter, writeManifest } from '../../src/ops/archive-files.js';
import { runReplay } from '../../src/simulate/run.js';
import { archiveSource, type YearSource } from '../../src/simulate/sources.js';
import { CATALOGUE_DIR, POLICY_DIR } from '../helpers/worked-examples.js';

describe('replay slots', () => {
  it('each batch goes in the slot it was read into, whatever was freed meanwhile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simulate-slots-'));
    try {
      const archive = path.join(dir, 'benefit-year-2019');
      mkdirSync(archive);
      const writer = new NdjsonGzWriter(path.join(archive, 'settlements.ndjson.gz'));
      // Reversed settlements: read and counted by the workers, never settled (quick), each person 1 to 3 of them.
      let count = 0;
      for (let p = 0; p < 1500; p++) {
        for (let i = 0; i <= p % 3; i++) {
          count++;
          await writer.write({
            settlementId: `S-${p}-${i}`,
            card: `C${p}`,
            benefitYear: 2019,
            position: i,
            recordSha1: '-',
            meta: { v: 1, s: 'reversed', h: 'PY-COUNTY', y: 2019, rq: `R${p}-${i}`, d: {} },
            response: { total: '1.00', payments: { basic: '0.00' }, fundTotal: '0.00', patientTotal: '1.00', steps: [], accumulatorsBefore: {} },
            inputs: null,
          });
        }
      }
      const summary = await writer.close();
      writeManifest(archive, { benefitYear: 2019, files: { 'settlements.ndjson.gz': summary }, counts: { settlements: summary.lines } });
      const archived = await archiveSource(dir, 2019);
      // Each batch held back after its slot was lent, long enough for the workers to free theirs.
      const source: YearSource = {
        ...archived,
        async *batches(targetBytes, into) {
          for await (const batch of archived.batches(targetBytes, into)) {
            await sleep(3);
            yield batch;
          }
        },
      };
      const tally = await runReplay({ source, workers: 1, batchBytes: 8_000, baselineDir: POLICY_DIR, draftDir: POLICY_DIR, catalogueDir: CATALOGUE_DIR });
      expect(tally.read).toBe(count);
      expect(tally.reversed).toBe(count);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
