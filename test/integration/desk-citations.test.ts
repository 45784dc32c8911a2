/**
 * Every citation the service can answer opens a paragraph: each `cite` of
 * config/policies/*.yaml (qualified with its document by the loader) and each
 * cite in the worked examples' responses resolves, with the desk's own
 * resolver, to a clause of the document it names. An unresolvable cite fails
 * here rather than showing a blank at the window.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCitation, parseClause, resolveCitation, resolveClause } from '../../desk/src/citations.js';
import { waterfallProblems } from '../../desk/src/waterfall.js';
import { loadPolicyDirectory } from '../../src/policy/loader.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { POLICY_DIR, ROOT, workedExamples } from '../helpers/worked-examples.js';

/** What the desk serves under /desk/documents/ (see desk/vite.config.ts). */
function documentText(document: string): string {
  if (document === 'policies.md') return readFileSync(path.join(ROOT, 'docs/spec/policies.md'), 'utf8');
  // A region added with a policy file brings its notice's text beside the file (src/http/desk.ts).
  const beside = path.join(POLICY_DIR, document);
  return readFileSync(existsSync(beside) ? beside : path.join(ROOT, 'docs/seeds', document), 'utf8');
}

function citesIn(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) node.forEach((item) => citesIn(item, out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'cite' && typeof value === 'string') out.add(value);
      else citesIn(value, out);
    }
  }
  return out;
}

function expectResolves(cite: string): void {
  const citation = parseCitation(cite);
  expect(citation, `"${cite}" names a document and a clause`).not.toBeNull();
  const resolved = resolveCitation(citation!, documentText(citation!.document));
  expect(resolved, `"${cite}" opens a paragraph`).not.toBeNull();
  expect(resolved!.text.trim().length).toBeGreaterThan(10);
}

describe('citations of the policy files', () => {
  const catalog = loadPolicyDirectory(POLICY_DIR);
  const cites = new Set<string>();
  for (const { source } of catalog.policies.map((policy) => catalog.get(policy.id)!)) citesIn(source, cites);

  it('finds the citations (qualified with their document)', () => {
    expect(cites.size).toBeGreaterThan(15);
    for (const cite of cites) expect(cite).toMatch(/^\S+\.(txt|md) /);
  });

  it.each([...cites].sort())('%s opens its paragraph', (cite) => {
    expectResolves(cite);
  });
});

describe('citations of the worked examples’ responses', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await service.loadWorkedRegistry();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('every line and step of every settled example cites a clause that opens', async () => {
    const cites = new Set<string>();
    for (const example of workedExamples.cases) {
      const key = service.keys.billing[example.request.hospitalId]!;
      const answer = await service.http.post('/v1/settlements/preview').set(service.auth(key)).send(example.request);
      if (answer.status !== 200) continue;
      // The desk's waterfall of the answer adds up to its total.
      expect(waterfallProblems(answer.body)).toEqual([]);
      for (const item of [...answer.body.lines, ...answer.body.steps]) cites.add(item.cite);
    }
    expect(cites.size).toBeGreaterThan(8);
    for (const cite of cites) expectResolves(cite);
  });
});

describe('clause numbering', () => {
  it('reads 一、 → （一） → 1. paths and refuses anything else', () => {
    expect(parseClause('三(一)1')).toEqual([
      { number: '三', level: 0 },
      { number: '一', level: 1 },
      { number: '1', level: 2 },
    ]);
    expect(parseClause('六（二）')).toEqual([
      { number: '六', level: 0 },
      { number: '二', level: 1 },
    ]);
    expect(parseClause('(一)三')).toBeNull();
    expect(parseClause('三(一)1x')).toBeNull();
    expect(parseClause('')).toBeNull();
  });

  it('opens the exact paragraph, not its neighbours', () => {
    const pingyang = documentText('000_b298e4d9608db673.txt');
    const deductible = resolveClause(pingyang, '三(一)1')!;
    expect(deductible.text).toMatch(/^1\.住院待遇/);
    expect(deductible.text).not.toContain('2.住院医疗费用最高限额标准');
    expect(deductible.headings[0]).toMatch(/^三、/);
    const critical = resolveClause(pingyang, '三(二)')!;
    expect(critical.text).toMatch(/^（二）完善大病保险制度/);
    // A clause that the document does not have does not open.
    expect(resolveClause(pingyang, '三(九)')).toBeNull();
    expect(resolveClause(pingyang, '三(一)9')).toBeNull();
    // policies.md: a section by its heading, or a paragraph by its bold lead-in.
    const spec = documentText('policies.md');
    expect(resolveCitation({ document: 'policies.md', clause: 'taiyuan-2019' }, spec)!.text).toMatch(/^## taiyuan-2019/);
    const catalogue = resolveCitation({ document: 'policies.md', clause: 'Catalogue' }, spec)!;
    expect(catalogue.text).toMatch(/^\*\*Catalogue \(医保目录\)\.\*\*/);
    expect(catalogue.text).not.toContain('**Hospitals.**');
    expect(resolveCitation({ document: 'policies.md', clause: 'Nowhere' }, spec)).toBeNull();
    // Taiyuan writes (三) with ASCII brackets and a space.
    expect(resolveClause(documentText('001_0e31973e4dd59fea.txt'), '六(三)')!.text).toMatch(/^\(三\) 巩固完善异地就医直接结算/);
  });
});
