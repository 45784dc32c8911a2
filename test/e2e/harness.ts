/**
 * End-to-end harness for the desk: the built server (node dist/server.js) over
 * a real redis-server, the worked-example registry loaded through the API,
 * and Debian's chromium driven by playwright-core (never a downloaded browser)
 * with a new, empty profile.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { spawnServer, writeKeysFile, type ServerProcess } from '../helpers/server-process.js';
import { makeKeys, type TestKeys } from '../helpers/service.js';
import { ROOT, workedExamples } from '../helpers/worked-examples.js';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT = path.join(ROOT, 'test-output');
/** Per-test limit for browser flows (vitest's default is 30 s). */
export const E2E_TIMEOUT = { timeout: 120_000 };

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface Desk {
  redis: RedisServer;
  server: ServerProcess;
  base: string;
  keys: TestKeys;
  context: BrowserContext;
  api(key: string, method: string, url: string, body?: unknown): Promise<ApiAnswer>;
  /** A new tab signed in with the key (and an operator), on /desk/. */
  signedIn(key: string, operator?: { id: string; name: string }): Promise<Page>;
  close(): Promise<void>;
}

export async function startDesk(): Promise<Desk> {
  const redis = await startRedis();
  const { keys, entries } = makeKeys([...Object.keys(workedExamples.hospitals), 'OTHER'], ['pingyang', 'jinjiang', 'taiyuan']);
  const keysFile = writeKeysFile(entries);
  const server = await spawnServer({ REDIS_URL: redis.url, API_KEYS_FILE: keysFile, LOG_LEVEL: 'warn' });
  const base = server.base;
  const api = async (key: string, method: string, url: string, body?: unknown): Promise<ApiAnswer> => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  };
  // The worked-example hospitals with their national codes (the demo registry's), as the window names them.
  const demoHospitals = JSON.parse(readFileSync(path.join(ROOT, 'config/demo/hospitals.json'), 'utf8')) as Record<string, { fixmedinsCode?: string }>;
  for (const [id, hospital] of Object.entries(workedExamples.hospitals)) {
    const fixmedinsCode = demoHospitals[id]?.fixmedinsCode;
    expect((await api(keys.admin, 'PUT', `/v1/hospitals/${id}`, { ...hospital, ...(fixmedinsCode ? { fixmedinsCode } : {}) })).status).toBeLessThan(300);
  }
  for (const [card, enrollee] of Object.entries(workedExamples.enrollees)) {
    expect((await api(keys.admin, 'PUT', `/v1/enrollees/${card}`, { ...enrollee, ...personOfCard(card) })).status).toBeLessThan(300);
  }
  for (const referral of workedExamples.referrals) expect((await api(keys.admin, 'POST', '/v1/referrals', referral)).status).toBe(201);

  const profile = mkdtempSync(path.join(os.tmpdir(), 'desk-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  // Generous: the machine's two cores are shared with the rest of the suite.
  context.setDefaultTimeout(30_000);
  mkdirSync(OUTPUT, { recursive: true });

  return {
    redis,
    server,
    base,
    keys,
    context,
    api,
    async signedIn(key, operator = { id: '0123', name: '张三' }) {
      const page = await context.newPage();
      await page.goto(`${base}/desk/`);
      await page.getByLabel('接口密钥').fill(key);
      await page.getByLabel('操作员工号').fill(operator.id);
      await page.getByLabel('操作员姓名').fill(operator.name);
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByTestId('who').waitFor();
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await server.stop();
      await redis.stop();
      rmSync(keysFile, { force: true });
    },
  };
}

/** Birth date and sex as an 18-digit card number says (GB 11643): the persons the window shows are believable. */
export function personOfCard(card: string): { birthDate: string; sex: 'F' | 'M' } | Record<string, never> {
  if (!/^\d{17}[\dX]$/.test(card)) return {};
  return { birthDate: `${card.slice(6, 10)}-${card.slice(10, 12)}-${card.slice(12, 14)}`, sex: Number(card[16]) % 2 === 1 ? 'M' : 'F' };
}

/** The name attribute of the focused element (where the clerk's cursor is). */
export function focusedName(page: Page): Promise<string | null> {
  return page.evaluate('document.activeElement ? document.activeElement.getAttribute("name") : null');
}

/** The text of the focused element. */
export function focusedText(page: Page): Promise<string | null> {
  return page.evaluate('document.activeElement ? document.activeElement.textContent : null');
}

/** Two Latin words in a row with no Chinese on the line: a developer's sentence, which no clerk or patient should read. */
export const ENGLISH_SENTENCE = /[A-Za-z]{2,}[,:;.]?\s+[A-Za-z]{2,}/;

/** Three Latin words in a row: English even beside Chinese. */
export const THREE_ENGLISH_WORDS = /(?:[A-Za-z]{2,}[,:;.)'’]*\s+){2,}[A-Za-z]{2,}/;

/** The lines of `text` that are English sentences (codes, ids and single words such as F8 or CSV pass). */
export function englishLines(text: string): string[] {
  return text
    .split(/\n/)
    .map((line) => line.trim())
    .filter((line) => (!/[\u3400-\u9fff]/.test(line) && ENGLISH_SENTENCE.test(line)) || THREE_ENGLISH_WORDS.test(line));
}

/** Nothing English on the page as the clerk sees it (its rendered text, dialogs included). */
export async function expectChinese(page: Page, what: string): Promise<void> {
  const text = (await page.evaluate('document.body.innerText')) as string;
  expect(englishLines(text), `English on ${what}`).toEqual([]);
}

/** A PNG of the page under test-output/ (look at them: the file tool shows PNGs); the page is checked for English first. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await expectChinese(page, name);
  const file = path.join(OUTPUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface Printed {
  pdf: string;
  pages: number;
  text: string;
}

/** The page as the browser prints it (print CSS, A4): the PDF, its page count, each page as PNG, its text, checked for English. */
export async function printPage(page: Page, name: string): Promise<Printed> {
  const pdf = path.join(OUTPUT, `${name}.pdf`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  const info = execFileSync('pdfinfo', [pdf]).toString();
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  execFileSync('pdftoppm', ['-png', '-r', '60', pdf, path.join(OUTPUT, name)]);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
  expect(englishLines(text), `English on the printed ${name}`).toEqual([]);
  return { pdf, pages, text };
}

/** No serious or critical accessibility violation (axe-core) on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${what}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    ),
  ).toEqual([]);
}

/** The four-total Pingyang stay of worked example P-PY-1. */
export const PINGYANG_STAY = {
  card: '330326198001010001',
  hospitalId: 'PY-COUNTY',
  admissionDate: '2019-03-01',
  dischargeDate: '2019-03-10',
  total: '12345.67',
  fullSelfPay: '300.00',
  overLimitSelfPay: '0.00',
  preSelfPay: '120.00',
};

/** Looks the person up and fills a four-total bill on the billing page. */
export async function fillFourTotalBill(page: Page, stay: typeof PINGYANG_STAY): Promise<void> {
  await page.getByLabel('社会保障卡号').fill(stay.card);
  await page.getByRole('button', { name: '查询', exact: true }).click();
  await page.getByRole('heading', { name: `参保人 ${stay.card}` }).waitFor();
  await page.getByLabel('入院日期').fill(stay.admissionDate);
  await page.getByLabel('出院日期').fill(stay.dischargeDate);
  await page.getByLabel('医疗费总额').fill(stay.total);
  await page.getByLabel('全自费').fill(stay.fullSelfPay);
  await page.getByLabel('超限价自费').fill(stay.overLimitSelfPay);
  await page.getByLabel('先行自付').fill(stay.preSelfPay);
}
