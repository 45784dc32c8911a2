/**
 * The window as clerks, referral desks and finance offices meet it, in
 * Debian's chromium: keys that act on the value typed now however fast they
 * come, a key that opens on its own page (the referral desk's hospital search
 * and a filing to an unknown hospital: desk-referral.e2e.test.ts), the day statement printed on one A4 page and exported for Excel;
 * the operator on slips and reversals, reconciliation, a bill of fee lines.
 * Every screenshot is checked for English first (harness.screenshot).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { amount, yuan } from '../../desk/src/amounts.js';
import { ROOT } from '../helpers/worked-examples.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiToday } from '../../desk/src/format.js';
import { E2E_TIMEOUT, expectAccessible, fillFourTotalBill, PINGYANG_STAY, printPage, screenshot, startDesk, type Desk } from './harness.js';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.close();
});

async function person(card: string): Promise<string> {
  const answer = await desk.api(desk.keys.admin, 'PUT', `/v1/enrollees/${card}`, {
    region: 'pingyang',
    sex: 'F',
    birthDate: `${card.slice(6, 10)}-${card.slice(10, 12)}-${card.slice(12, 14)}`,
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
  });
  expect(answer.status).toBeLessThan(300);
  return card;
}

/** Types into a field and presses a key in one task: no render, no frame between (a scanner or a macro). */
async function typeThenKey(page: import('playwright-core').Page, name: string, value: string, key: string): Promise<void> {
  await page.evaluate(`(() => {
    const input = document.querySelector('input[name=${JSON.stringify(name)}]');
    input.focus();
    input.value = ${JSON.stringify(value)};
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: ${JSON.stringify(key)}, bubbles: true, cancelable: true }));
  })()`);
}

describe('keys that act on the value typed now', E2E_TIMEOUT, () => {
  it('F8 pressed in the same instant as the last keystroke previews the new value; F9 then refuses a bill changed since', async () => {
    const card = await person('330326197505050401');
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    const previews: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/settlements/preview')) previews.push(request.postData() ?? '');
    });
    await fillFourTotalBill(page, { ...PINGYANG_STAY, card, total: '1000.00' });
    // 12345.67 typed and F8 in the same task: the preview is of 12345.67, shown, and confirmable.
    await typeThenKey(page, 'total', '12345.67', 'F8');
    await page.getByTestId('preview-patient').waitFor();
    expect(previews).toHaveLength(1);
    expect(JSON.parse(previews[0]!).charges.total).toBe('12345.67');
    expect(await page.getByTestId('preview-patient').innerText()).toBe('4,627.70');
    await expect(page.getByTestId('confirm').isEnabled()).resolves.toBe(true);

    // A changed amount and F9 in the same instant: no confirm dialog for the old preview.
    await typeThenKey(page, 'fullSelfPay', '301.00', 'F9');
    await expect(page.locator('.confirm-dialog[open]').count()).resolves.toBe(0);
    await expect(page.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('preview-patient').count()).resolves.toBe(0);

    // An edit while the preview travels: its answer is not shown as current, and the window says so.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/v1/settlements/preview', async (route) => {
      await held;
      await route.continue();
    });
    await typeThenKey(page, 'fullSelfPay', '300.00', 'F8');
    await page.getByText('正在预结算…').waitFor();
    await page.getByLabel('先行自付').fill('121.00');
    release();
    await page.getByTestId('stale-preview').waitFor();
    await expect(page.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'desk-billing-stale-preview');
    await page.unroute('**/v1/settlements/preview');
    // F8 again previews the bill as it is now.
    await page.keyboard.press('F8');
    await page.getByTestId('preview-patient').waitFor();
    expect(JSON.parse(previews.at(-1)!).charges.preSelfPay).toBe('121.00');
    await page.keyboard.press('F9');
    await page.getByTestId('confirm-patient').waitFor();
    await page.keyboard.press('Escape');
    await page.close();
  });
});

describe('a key opens on a page its role may use', E2E_TIMEOUT, () => {
  it('a referral key signing in on a tab left at /desk/billing lands on 转诊备案, not 无权访问', async () => {
    const page = await desk.context.newPage();
    await page.goto(`${desk.base}/desk/billing`);
    await page.getByLabel('接口密钥').fill(desk.keys.referral.jinjiang!);
    await page.getByLabel('操作员工号').fill('0789');
    await page.getByLabel('操作员姓名').fill('赵六');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '转诊备案' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/desk/referral');
    await expect(page.getByRole('heading', { name: '无权访问' }).count()).resolves.toBe(0);
    await page.close();
  });

  it('a billing key sees its hospital by name and national code, not its id', async () => {
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await expect.poll(() => page.getByTestId('who').innerText()).toContain('平阳县人民医院（H33032600001）');
    await page.close();
  });
});

describe('the day statement', E2E_TIMEOUT, () => {
  it('prints on one A4 page (totals, per fund, per kind) and exports a CSV with a BOM that Excel opens in Chinese', async () => {
    for (const [i, total] of ['5000.00', '8000.00'].entries()) {
      const card = await person(`33032619750505050${i}`);
      const settled = await desk.api(desk.keys.billing['PY-COUNTY']!, 'POST', '/v1/settlements', {
        requestId: `STATEMENT-${i}`,
        card,
        hospitalId: 'PY-COUNTY',
        visitType: 'inpatient',
        admissionDate: '2019-03-01',
        dischargeDate: '2019-03-10',
        charges: { total },
        operator: { id: '0123', name: '张三' },
      });
      expect(settled.status).toBe(201);
    }
    const date = shanghaiToday();
    const api = (await desk.api(desk.keys.billing['PY-COUNTY']!, 'GET', `/v1/hospitals/PY-COUNTY/statements/${date}`)).body;
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await page.getByRole('link', { name: '对账' }).click();
    await page.getByRole('button', { name: '查询日结单' }).click();
    await page.getByTestId('statement').waitFor();
    expect(await page.getByTestId('statement').innerText()).toContain(`平阳县人民医院（H33032600001） ${date} 医保结算日结单`);
    await screenshot(page, 'desk-finance-statement');

    const printed = await printPage(page, 'desk-statement-print');
    expect(printed.pages).toBe(1);
    expect(printed.text).toContain('医保结算日结单');
    expect(printed.text).toContain('基本医疗保险统筹基金');
    expect(printed.text).not.toContain('查询日结单'); // the page around it does not print

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-statement').click()]);
    expect(download.suggestedFilename()).toBe(`日结单-PY-COUNTY-${date}.csv`);
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM: Excel reads UTF-8
    const csv = bytes.toString('utf8').slice(1);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(`日结单,平阳县人民医院（H33032600001）,${date},时区 Asia/Shanghai`);
    expect(lines).toContain(`,${api.totals.count},${api.totals.settlements},${api.totals.reversals},${api.totals.total},${api.totals.fundTotal},${api.totals.patientTotal}`);
    expect(lines).toContain(`,基本医疗保险统筹基金,${api.totals.funds.basic}`);
    expect(csv).toContain('STATEMENT-1');
    await page.close();
  });

  it('a reconciliation records the operator signed in and shows its difference row', async () => {
    const date = shanghaiToday();
    const statement = (await desk.api(desk.keys.billing['PY-COUNTY']!, 'GET', `/v1/hospitals/PY-COUNTY/statements/${date}`)).body;
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!, { id: '0999', name: '钱七' });
    await page.getByRole('link', { name: '对账' }).click();
    await page.getByLabel('HIS 笔数').fill(String(statement.totals.count));
    await page.getByLabel('HIS 医疗费总额').fill(statement.totals.total);
    await page.getByLabel('HIS 基金支付').fill('0.00');
    await page.getByRole('button', { name: '对账', exact: true }).click();
    const difference = page.getByTestId('recon-difference');
    await difference.waitFor();
    expect(await difference.innerText()).toContain(`差额（医保 − HIS）`);
    await screenshot(page, 'desk-finance-difference');
    const list = (await desk.api(desk.keys.admin, 'GET', `/v1/hospitals/PY-COUNTY/reconciliations?date=${date}`)).body.reconciliations as { by: { operator: unknown } }[];
    expect(list[0]!.by.operator).toMatchObject({ id: '0999', name: '钱七' });
    await page.close();
  });
});

/** A fresh Pingyang enrollee, so each flow counts its own settlements. */
async function newPingyangPerson(card: string): Promise<string> {
  return person(card);
}

async function printSlip(page: Page, name: string): Promise<string> {
  const printed = await printPage(page, name);
  expect(printed.pages, `${name} prints on one A4 page`).toBe(1);
  return printed.text;
}

interface CatalogueRow {
  code: string;
  name: string;
  level: string;
  selfPayRatio: string;
  priceCeiling: string;
  category: string;
}

function catalogue(file: string): CatalogueRow[] {
  const [header, ...rows] = readFileSync(path.join(ROOT, 'config/catalogues', file), 'utf8')
    .trim()
    .split('\n');
  const names = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [names[i], cell])) as unknown as CatalogueRow);
}

describe("operator and reason, a person's filings, the day statement and reconciliation", E2E_TIMEOUT, () => {
  it('shows the operator on the slip, and reverses with a reason and an operator that the settlement then carries', async () => {
    const card = await newPingyangPerson('330326197505050105');
    const settled = await desk.api(desk.keys.billing['PY-COUNTY']!, 'POST', '/v1/settlements', {
      requestId: 'OPERATOR-1',
      card,
      hospitalId: 'PY-COUNTY',
      visitType: 'inpatient',
      admissionDate: '2019-03-01',
      dischargeDate: '2019-03-10',
      charges: { total: '12345.67', fullSelfPay: '300.00', preSelfPay: '120.00' },
      operator: { id: '0123', name: '张三' },
    });
    expect(settled.status).toBe(201);
    const settlementId: string = settled.body.settlementId;
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!, { id: '0456', name: '李四' });
    await page.goto(`${desk.base}/desk/slip/${settlementId}`);
    await page.getByTestId('slip').waitFor();
    await screenshot(page, 'desk-slip-page');
    expect(await printSlip(page, 'desk-slip-page-print')).not.toContain('重打');
    await page.getByRole('button', { name: '撤销' }).click();
    await page.getByLabel('请输入结算单号最后 4 位确认').fill(settlementId.slice(-4));
    await page.getByLabel('撤销原因').fill('费用录入错误');
    await page.getByRole('button', { name: '确认撤销' }).click();
    await page.locator('.watermark').waitFor();
    expect(await page.getByTestId('slip').innerText()).toContain('张三（0123）');
    const api = (await desk.api(desk.keys.admin, 'GET', `/v1/settlements/${settlementId}`)).body;
    expect(api.reversal).toMatchObject({ reason: '费用录入错误', operator: { id: '0456', name: '李四' } });
    expect(await page.getByTestId('slip').innerText()).toContain('费用录入错误');
    await page.close();
  });

  it('lists a person’s filings on the referral and billing pages', async () => {
    const jj = '350582198202020002';
    const filed = await desk.api(desk.keys.referral.jinjiang!, 'POST', '/v1/referrals', {
      card: jj,
      kind: 'out-of-area',
      validFrom: '2018-01-01',
      validTo: '2018-12-31',
      toHospitalId: 'FZ-XIEHE',
    });
    expect(filed.status).toBe(201);
    const referral = await desk.signedIn(desk.keys.referral.jinjiang!);
    await referral.getByLabel('社会保障卡号').fill(jj);
    await referral.getByLabel('社会保障卡号').press('Enter');
    await referral.locator(`[data-filing="${filed.body.referralId}"]`).waitFor();
    const billing = await desk.signedIn(desk.keys.billing['FZ-XIEHE']!);
    await billing.getByLabel('社会保障卡号').fill(jj);
    await billing.getByLabel('社会保障卡号').press('Enter');
    await billing.getByText(filed.body.referralId).waitFor();
    await referral.close();
    await billing.close();
  });

  it('reconciles the day against HIS rows with one difference, listed with the settlement to open', async () => {
    // Two settlements of today (Asia/Shanghai) at PY-COUNTY.
    const ids: string[] = [];
    for (const [i, total] of ['5000.00', '8000.00'].entries()) {
      const person = `33032619750505030${i}`;
      await desk.api(desk.keys.admin, 'PUT', `/v1/enrollees/${person}`, {
        region: 'pingyang',
        sex: 'F',
        birthDate: '1975-05-05',
        coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
      });
      const settled = await desk.api(desk.keys.billing['PY-COUNTY']!, 'POST', '/v1/settlements', {
        requestId: `RECON-${i}`,
        card: person,
        hospitalId: 'PY-COUNTY',
        visitType: 'inpatient',
        admissionDate: '2019-03-01',
        dischargeDate: '2019-03-10',
        charges: { total },
      });
      expect(settled.status).toBe(201);
      ids.push(settled.body.settlementId);
    }
    const date = shanghaiToday();
    const statement = (await desk.api(desk.keys.billing['PY-COUNTY']!, 'GET', `/v1/hospitals/PY-COUNTY/statements/${date}`)).body;
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await page.getByRole('link', { name: '对账' }).click();
    await page.getByRole('button', { name: '查询日结单' }).click();
    await page.getByTestId('statement-entries').waitFor();
    // The HIS has the first settlement with another amount.
    const entries = statement.entries as { settlementId: string; requestId: string; kind: string; total: string; fundTotal: string }[];
    const rows = entries.map(
      (e) =>
        `${e.settlementId},${e.requestId},${e.kind === 'reversal' ? '撤销' : '结算'},${e.settlementId === ids[0] ? amount(e.total).plus(1).toFixed(2) : e.total},${e.fundTotal}`,
    );
    await page.getByLabel('HIS 笔数').fill(String(statement.totals.count));
    await page.getByLabel('HIS 医疗费总额').fill(amount(statement.totals.total).plus(1).toFixed(2));
    await page.getByLabel('HIS 基金支付').fill(statement.totals.fundTotal);
    await page.locator('textarea[name="hisDetail"]').fill(['结算单号,结算流水号,类型,医疗费总额,基金支付', ...rows].join('\n'));
    await page.getByRole('button', { name: '对账', exact: true }).click();
    await page.getByTestId('differences').waitFor();
    expect(await page.locator('[data-balanced]').getAttribute('data-balanced')).toBe('false');
    const differences = page.getByTestId('differences').locator('tbody tr');
    await expect(differences.count()).resolves.toBe(1);
    expect(await differences.first().getAttribute('data-kind')).toBe('amount-mismatch');
    await screenshot(page, 'desk-finance-reconciliation');
    await expectAccessible(page, 'finance reconciliation');
    await differences.first().getByRole('link').click();
    await page.getByTestId('slip').waitFor();
    expect(await page.getByTestId('slip').getAttribute('data-settlement')).toBe(ids[0]);
    await page.close();
  });
});

describe("a bill of fee lines (itemised, against the policy's catalogue)", E2E_TIMEOUT, () => {
  const card = '330326197505050201';
  it('settles a Pingyang stay sent as fee lines from a HIS CSV; the slip shows the categories and the operator', async () => {
    expect(
      (
        await desk.api(desk.keys.admin, 'PUT', `/v1/enrollees/${card}`, {
          region: 'pingyang',
          sex: 'F',
          birthDate: '1975-05-05',
          coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
        })
      ).status,
    ).toBeLessThan(300);
    const rows = catalogue('zhejiang-2019-demo.csv');
    const a = rows.find((r) => r.level === '01' && !r.priceCeiling)!;
    const ceiling = rows.find((r) => r.level === '01' && r.priceCeiling)!;
    const b = rows.find((r) => r.level === '02' && r.selfPayRatio && !r.priceCeiling)!;
    const c = rows.find((r) => r.level === '03')!;
    const over = amount(ceiling.priceCeiling).plus(10).toFixed(2);
    const csv = [
      '序号,医保编码,项目名称,数量,单价,金额,费用发生时间',
      `1,${a.code},${a.name},2,12.50,25.00,2019-03-02T10:00:00`,
      `2,${ceiling.code},${ceiling.name},3,${over},${amount(over).times(3).toFixed(2)},2019-03-03T10:00:00`,
      `3,${b.code},${b.name},1,800.00,800.00,2019-03-04T10:00:00`,
      `4,${c.code},${c.name},1,300.00,300.00,2019-03-05T10:00:00`,
    ].join('\n');

    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!, { id: '0123', name: '张三' });
    await page.getByLabel('社会保障卡号').fill(card);
    await page.getByLabel('社会保障卡号').press('Enter');
    await page.getByLabel('入院日期').fill('2019-03-01');
    await page.getByLabel('出院日期').fill('2019-03-10');
    await page.getByLabel('费用明细').check();
    await page.locator('input[name="feeLinesFile"]').setInputFiles({ name: 'his.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel('第 4 行 医保编码').waitFor();
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await page.getByTestId('preview-patient').waitFor();
    await page.getByTestId('confirm').click();
    await page.getByTestId('confirm-settle').click();
    await page.getByRole('heading', { name: '结算完成' }).waitFor();
    await screenshot(page, 'desk-billing-fee-lines');
    await expectAccessible(page, 'billing with fee lines');

    const list = (await desk.api(desk.keys.admin, 'GET', `/v1/enrollees/${card}/settlements?year=2019`)).body.settlements;
    expect(list).toHaveLength(1);
    const api = (await desk.api(desk.keys.admin, 'GET', `/v1/settlements/${list[0].settlementId}`)).body;
    expect(api.charges.lines).toHaveLength(4);
    expect(api.operator).toMatchObject({ id: '0123', name: '张三' });
    const slip = page.getByTestId('slip');
    for (const field of ['fullSelfPay', 'overLimitSelfPay', 'preSelfPay'] as const) {
      expect(await slip.locator(`[data-field="${field}"]`).innerText()).toBe(yuan(api.charges[field]));
    }
    expect(await slip.locator('[data-field="selfPay"]').innerText()).toBe(yuan(amount(api.charges.fullSelfPay).plus(amount(api.charges.overLimitSelfPay)).toFixed(2)));
    expect(await slip.locator('[data-field="coPay"]').innerText()).toBe(
      yuan(amount(api.patientTotal).minus(amount(api.charges.fullSelfPay)).minus(amount(api.charges.overLimitSelfPay)).toFixed(2)),
    );
    const categories = (api.feeCategories as { category: string; total: string }[]).filter((c) => c.total !== '0.00');
    expect(categories.length).toBeGreaterThan(1);
    for (const category of categories) {
      expect(await slip.locator(`[data-category="${category.category}"] td`).first().innerText()).toBe(yuan(category.total));
    }
    expect(await slip.innerText()).toContain('张三（0123）');
    // The longest slip (fee categories) still prints on one page.
    await printSlip(page, 'desk-slip-fee-lines-print');
    await page.close();
  });
});
