/**
 * The clause viewer opens what a region added with a policy file cites: its
 * notice's text is served from beside the policy file (only a text a loaded
 * policy names), documents.json gives its title, and citations of notices
 * without numbered clauses resolve by table cell or phrase; a web address is
 * recognised as a document the desk links to.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { isWebAddress, parseCitation, resolveCitation, resolvePhrase, resolveTableCell } from '../../desk/src/citations.js';
import { deskPages } from '../../src/http/desk.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { POLICY_DIR, ROOT } from '../helpers/worked-examples.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'desk-documents-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A notice without numbered clauses: its rates are a table (阳江-like figures). */
const NOTICE = `阳江市城乡居民基本医疗保险住院待遇（示例）

住院起付标准和支付比例如下表：
医院级别 | 起付标准 | 市内支付比例 | 转外已备案 | 转外未备案
一级 | 200 | 90% | 80% | 75%
二级 | 400 | 75% | 65% | 60%
三级 | 700 | 65% | 55% | 50%

参保人在一个自然年度内多次住院的，起付标准逐次降低。
`;

function newRegionDirectory(): string {
  const dir = mkdtempSync(path.join(scratch, 'p-'));
  cpSync(POLICY_DIR, dir, { recursive: true });
  const template = loadPolicyDirectory(POLICY_DIR).entries[0]!;
  const year = template.policy.benefitYear;
  const text = readFileSync(template.file, 'utf8')
    .replace(/^id: .*$/m, `id: yangjiang-${year}`)
    .replace(/^region: .*$/m, 'region: yangjiang')
    .replace(/^name: .*$/m, `name: 阳江市${year}年城乡居民基本医疗保险`)
    .replace(/^document: .*$/m, 'document: yangjiang-notice.txt');
  writeFileSync(path.join(dir, `yangjiang-${year}.yaml`), text);
  writeFileSync(path.join(dir, 'yangjiang-notice.txt'), NOTICE);
  writeFileSync(path.join(dir, 'not-named.txt'), 'a file no policy names');
  return dir;
}

function fakeDeskBuild(): string {
  const dir = mkdtempSync(path.join(scratch, 'desk-'));
  mkdirSync(path.join(dir, 'documents'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>desk</title>');
  writeFileSync(path.join(dir, 'documents', 'shipped.txt'), '一、总则');
  return dir;
}

describe('documents of a region added with a policy file', () => {
  const policyDir = newRegionDirectory();
  const catalog = loadPolicyDirectory(policyDir);
  const app = express().use('/desk', deskPages(fakeDeskBuild(), { catalog, directory: policyDir }));

  it('the notice beside the policy file is served; a file no policy names, or a path, is not', async () => {
    const notice = await request(app).get('/desk/documents/yangjiang-notice.txt').expect(200);
    expect(notice.headers['content-type']).toMatch(/^text\/plain; charset=utf-8/);
    expect(notice.text).toBe(NOTICE);
    await request(app).get('/desk/documents/shipped.txt').expect(200);
    await request(app).get('/desk/documents/not-named.txt').expect(404);
    await request(app).get('/desk/documents/..%2Fyangjiang-notice.txt').expect(404);
    await request(app)
      .get(`/desk/documents/${encodeURIComponent(path.basename(POLICY_DIR))}`)
      .expect(404);
  });

  it('documents.json names every loaded policy document with its title and short name', async () => {
    const { body } = await request(app).get('/desk/documents.json').expect(200);
    expect(body.documents).toContainEqual(
      expect.objectContaining({ document: 'yangjiang-notice.txt', title: expect.stringMatching(/^阳江市\d{4}年/), short: '阳江市', region: 'yangjiang' }),
    );
    expect(body.documents).toHaveLength(catalog.policies.length);
  });

  it('a table cell opens the row that holds its labels, under the table heading', () => {
    const resolved = resolveCitation(parseCitation('yangjiang-notice.txt 表·二级·转外未备案')!, NOTICE)!;
    expect(resolved.text).toBe('二级 | 400 | 75% | 65% | 60%');
    expect(resolved.headings[0]).toBe('住院起付标准和支付比例如下表：');
    expect(resolveTableCell(NOTICE, '表·三级')!.text).toMatch(/^三级 \| 700/);
    expect(resolveTableCell(NOTICE, '表·四级·市内支付比例')).toBeNull();
    expect(resolveTableCell(NOTICE, '起付标准·二级')!.text).toMatch(/^二级 \| 400/);
    expect(resolveTableCell(NOTICE, '起付标准·四级')).toBeNull();
    expect(resolveTableCell(NOTICE, '二级·400')!.text).toMatch(/^二级 \| 400/);
    expect(resolveTableCell(NOTICE, '表2·一级·转外未备案')!.text).toMatch(/^一级 \| 200/);
  });

  it('a quoted phrase opens its paragraph', () => {
    expect(resolvePhrase(NOTICE, '「起付标准逐次降低」')!.text).toMatch(/^参保人在一个自然年度内多次住院的/);
    expect(resolveCitation({ document: 'yangjiang-notice.txt', clause: '“多次住院的”' }, NOTICE)).not.toBeNull();
  });

  it('a web address is a document the desk links to', () => {
    const citation = parseCitation('https://m.hunanyuer.com/baike/techan/1681601.html 表·三级·市内')!;
    expect(citation).toEqual({ document: 'm.hunanyuer.com/baike/techan/1681601.html', clause: '表·三级·市内' });
    expect(isWebAddress(citation.document)).toBe(true);
    expect(isWebAddress('000_b298e4d9608db673.txt')).toBe(false);
    expect(parseCitation('000_b298e4d9608db673.txt 三(一)1')).toEqual({ document: '000_b298e4d9608db673.txt', clause: '三(一)1' });
  });
});

describe('citations of the gallery (examples/policies)', () => {
  it('every cite names its source page, which the clause viewer links to', () => {
    const gallery = loadPolicyDirectory(path.join(ROOT, 'examples/policies'));
    const cites: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'cite' && typeof value === 'string') cites.push(value);
          else walk(value);
        }
      }
    };
    for (const entry of gallery.entries) {
      cites.length = 0;
      walk(entry.source);
      expect(cites.length, entry.policy.id).toBeGreaterThan(5);
      for (const cite of cites) {
        // A cite of another source (a standard such as GB/T 2260, a document number, 《title》) names that source, not the page.
        if (/^(?:(?:GB|WS)(?:\/T)? \d|《|\S*[〔[（(]\d{4}[〕\]）)]\d+号)/u.test(cite)) continue;
        const citation = parseCitation(cite);
        expect(citation, cite).not.toBeNull();
        expect(citation!.document, cite).toBe(entry.policy.document);
        expect(isWebAddress(citation!.document), cite).toBe(true);
      }
    }
  });
});
