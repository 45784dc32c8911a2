/**
 * The desk end to end, in Debian's chromium against the built server and a
 * real Redis: the flows that today's backend supports (four-total bills,
 * preview, settle, print, reprint, reversal, referral filing, clause viewer,
 * keyboard-only discharge, double click, dropped answer; the rest in
 * desk-window.e2e.test.ts). Each check that
 * matters is made against the API, not only against the page.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT, expectAccessible, fillFourTotalBill, focusedName, focusedText, PINGYANG_STAY, printPage, screenshot, startDesk, type Desk } from './harness.js';

let desk: Desk;

beforeAll(async () => {
  desk = await startDesk();
});

afterAll(async () => {
  await desk?.close();
});

/** A fresh Pingyang enrollee, so each flow counts its own settlements. */
async function newPingyangPerson(card: string): Promise<string> {
  const answer = await desk.api(desk.keys.admin, 'PUT', `/v1/enrollees/${card}`, {
    region: 'pingyang',
    sex: 'F',
    birthDate: '1975-05-05',
    coverage: [{ from: '2019-01-01', to: '2019-12-31' }],
    categories: [],
  });
  expect(answer.status).toBeLessThan(300);
  return card;
}

async function settlementsOf(card: string, year: number, key = desk.keys.admin) {
  const answer = await desk.api(key, 'GET', `/v1/enrollees/${card}/settlements?year=${year}`);
  expect(answer.status).toBe(200);
  return answer.body.settlements as { settlementId: string; status: string; requestId: string }[];
}

/** The slip as printed (print CSS, A4): exactly one page, no English; its text. The PDF and a PNG per page are under test-output/. */
async function printSlip(page: Page, name: string): Promise<string> {
  const printed = await printPage(page, name);
  expect(printed.pages, `${name} prints on one A4 page`).toBe(1);
  return printed.text;
}

async function slipField(page: Page, field: string): Promise<string> {
  return (await page.getByTestId('slip').locator(`[data-field="${field}"]`).first().innerText()).trim();
}

describe('billing desk (四项金额)', E2E_TIMEOUT, () => {
  let settlementId = '';

  it('signs in, previews, settles once and prints a slip whose numbers are the API answer', async () => {
    const signIn = await desk.context.newPage();
    await signIn.goto(`${desk.base}/desk/`);
    await screenshot(signIn, 'desk-sign-in');
    await expectAccessible(signIn, 'sign-in');
    await signIn.close();

    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    // A billing key sees 住院结算 and 对账, not 转诊备案.
    await expect(page.getByRole('link', { name: '住院结算' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: '对账' }).count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: '转诊备案' }).count()).resolves.toBe(0);

    await fillFourTotalBill(page, PINGYANG_STAY);
    await expect(page.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await expect(page.getByTestId('preview-patient').innerText()).resolves.toBe('4,627.70');
    await screenshot(page, 'desk-billing-preview');
    await expectAccessible(page, 'billing preview');

    // Any change discards the preview; 确认结算 waits for a new one.
    await page.getByLabel('全自费').fill('301.00');
    await expect(page.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    await page.getByLabel('全自费').fill('300.00');
    await expect(page.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await page.getByTestId('preview-patient').waitFor();

    await page.getByLabel('患者姓名（只打印在结算单上，不上传）').fill('王五');
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await page.getByTestId('preview-patient').waitFor();
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('confirm-patient').innerText()).resolves.toBe('4,627.70');
    // The dialog names the person: the typed name, the masked card, sex and birth date as the registry holds them.
    expect(await page.getByTestId('confirm-person').innerText()).toMatch(/^患者 王五，社会保障卡号 330326\*+0001，女，1980-01-01 出生$/);
    await expect.poll(() => page.locator('.confirm-dialog').innerText()).toContain('平阳县人民医院（H33032600001）');
    await screenshot(page, 'desk-billing-confirm');
    await page.getByTestId('confirm-settle').click();
    await page.getByRole('heading', { name: '结算完成' }).waitFor();
    await screenshot(page, 'desk-billing-settled');
    await expectAccessible(page, 'billing settled');

    const list = await settlementsOf(PINGYANG_STAY.card, 2019);
    expect(list).toHaveLength(1);
    settlementId = list[0]!.settlementId;
    const api = (await desk.api(desk.keys.admin, 'GET', `/v1/settlements/${settlementId}`)).body;
    expect(api.requestId).toBe(await page.getByTestId('request-id').innerText());

    // Every number on the slip is the API's.
    expect(await slipField(page, 'settlementId')).toBe(settlementId);
    expect(await slipField(page, 'total')).toBe('12,345.67');
    expect(await slipField(page, 'policyScope')).toBe('11,925.67');
    expect(await slipField(page, 'fund:basic')).toBe('7,717.97');
    expect(await slipField(page, 'fund:criticalIllness')).toBe('0.00');
    expect(await slipField(page, 'fundTotal')).toBe('7,717.97');
    expect(await slipField(page, 'patientTotal')).toBe('4,627.70');
    expect([api.total, api.payments.basic, api.fundTotal, api.patientTotal]).toEqual(['12345.67', '7717.97', '7717.97', '4627.70']);
    // 7717.97 ÷ 12345.67 = 62.5152…%; 4627.70 in capitals.
    expect(await slipField(page, 'ratio')).toBe('62.52%');
    expect(await slipField(page, 'capitals')).toBe('肆仟陆佰贰拾柒元柒角整');
    await expect(page.getByTestId('reprint').count()).resolves.toBe(0);
    // Which text of the policy settled it: the slip shows the version the answer records.
    expect(api.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(await slipField(page, 'policyVersion')).toBe(`pingyang-2019 · 版本 ${api.policyVersion.slice(0, 12)}`);

    const text = await printSlip(page, 'desk-slip-print');
    expect(text).toContain('城乡居民基本医疗保险住院结算单');
    expect(text).toContain(settlementId);
    expect(text).toContain('医保支付以医保经办机构结算为准');
    expect(text).toContain('4,627.70');
    expect(text).not.toContain('快捷键'); // the page around the slip does not print
    expect(text).not.toContain('重打');
    await page.close();
  });

  it('reprints from the year list (重打) and reverses with a typed confirmation and a reason', async () => {
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await page.getByLabel('社会保障卡号').fill(PINGYANG_STAY.card);
    await page.getByLabel('社会保障卡号').press('Enter');
    await page.getByTestId('settlement-list').waitFor();
    await page.getByRole('link', { name: `重打结算单 ${settlementId}` }).click();
    await page.getByTestId('reprint').waitFor();
    await expectAccessible(page, 'slip page');
    const reprinted = await printSlip(page, 'desk-slip-reprint');
    expect(reprinted).toContain('重打');
    expect(await slipField(page, 'patientTotal')).toBe('4,627.70');

    await page.getByRole('button', { name: '撤销' }).click();
    const confirm = page.getByRole('button', { name: '确认撤销' });
    await page.getByLabel('撤销原因').fill('患者要求重新结算');
    await page.getByLabel('请输入结算单号最后 4 位确认').fill('0000');
    await expect(confirm.isDisabled()).resolves.toBe(true);
    // A wrong last-four says so, and the disabled button looks disabled (grey, dashed), not like the red one.
    expect(await page.getByTestId('reversal-why').innerText()).toContain('结算单号最后 4 位不符');
    expect(await page.evaluate('getComputedStyle(document.querySelector(".confirm-dialog button[type=submit]")).borderStyle')).toBe('dashed');
    await screenshot(page, 'desk-reversal-wrong-tail');
    await page.getByLabel('请输入结算单号最后 4 位确认').fill(settlementId.slice(-4));
    await expectAccessible(page, 'reversal dialog');
    await confirm.click();
    await page.locator('.watermark').waitFor();
    await screenshot(page, 'desk-slip-reversed');
    const api = (await desk.api(desk.keys.admin, 'GET', `/v1/settlements/${settlementId}`)).body;
    expect(api.status).toBe('reversed');
    const text = await printSlip(page, 'desk-slip-reversed-print');
    expect(text).toContain('已撤销');
    // The accumulators are back to zero.
    const acc = (await desk.api(desk.keys.admin, 'GET', `/v1/enrollees/${PINGYANG_STAY.card}/accumulators/2019`)).body;
    expect(acc.basicEligible).toBe('0.00');
    await page.close();
  });

  it('opens a cited clause: the paragraph of the policy document', async () => {
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await fillFourTotalBill(page, { ...PINGYANG_STAY, card: await newPingyangPerson('330326197505050101') });
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await page.getByTestId('preview-patient').waitFor();
    await page.getByTestId('waterfall').locator('[data-row="fund:basic"] .cite').click();
    const clause = page.getByTestId('clause-text');
    await clause.waitFor();
    expect(await clause.innerText()).toMatch(/^1\.住院待遇。乡镇卫生院起付线为600元/);
    await screenshot(page, 'desk-clause');
    await expectAccessible(page, 'clause dialog');
    await page.keyboard.press('Escape');
    await expect(clause.count()).resolves.toBe(0);

    const whole = await desk.context.newPage();
    await whole.goto(`${desk.base}/desk/document/${encodeURIComponent('002_dda74ca139f336db.txt')}?clause=${encodeURIComponent('六(二)2')}`);
    // The document page needs no key (public documents); it lives inside the signed-in tab in practice.
    await whole.close();
    await page.close();
  });

  it('makes one settlement from a double click on 确认结算', async () => {
    const card = await newPingyangPerson('330326197505050102');
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await fillFourTotalBill(page, { ...PINGYANG_STAY, card });
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await page.getByTestId('preview-patient').waitFor();
    await page.getByTestId('confirm').dblclick();
    await page.getByTestId('confirm-settle').dblclick();
    await page.getByRole('heading', { name: '结算完成' }).waitFor();
    await expect(page.locator('[role="alert"]').count()).resolves.toBe(0);
    expect(await settlementsOf(card, 2019)).toHaveLength(1);
    await page.close();
  });

  it('a dropped answer shows 结果未知, and replaying the same requestId ends in the one settlement, shown', async () => {
    const card = await newPingyangPerson('330326197505050103');
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    let settleCalls = 0;
    let releaseReplay!: () => void;
    const replayMayGo = new Promise<void>((resolve) => (releaseReplay = resolve));
    const bodies: string[] = [];
    await page.route('**/v1/settlements', async (route) => {
      settleCalls += 1;
      bodies.push(route.request().postData() ?? '');
      if (settleCalls === 1) {
        await route.fetch(); // the service settles …
        await route.abort('connectionreset'); // … and the answer never reaches the window
        return;
      }
      await replayMayGo;
      await route.continue();
    });
    await fillFourTotalBill(page, { ...PINGYANG_STAY, card });
    await page.getByRole('button', { name: '预结算 (F8)' }).click();
    await page.getByTestId('preview-patient').waitFor();
    await page.getByTestId('confirm').click();
    await page.getByTestId('confirm-settle').click();
    await page.getByTestId('unknown').waitFor();
    expect(await page.getByTestId('unknown').innerText()).toContain('结果未知');
    await screenshot(page, 'desk-result-unknown');
    // The bill is frozen meanwhile: no new bill, no second settle.
    await expect(page.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    expect(await settlementsOf(card, 2019)).toHaveLength(1);
    releaseReplay();
    await page.getByRole('heading', { name: /结算完成/ }).waitFor();
    const list = await settlementsOf(card, 2019);
    expect(list).toHaveLength(1);
    expect(bodies.length).toBeGreaterThanOrEqual(2);
    expect(new Set(bodies).size).toBe(1); // every retry is the identical request
    expect(await slipField(page, 'settlementId')).toBe(list[0]!.settlementId);
    await page.close();
  });

  it('does a whole discharge with the keyboard only', async () => {
    const card = await newPingyangPerson('330326197505050104');
    const page = await desk.context.newPage();
    await page.goto(`${desk.base}/desk/`);
    await expect.poll(() => focusedName(page)).toBe('key');
    await page.keyboard.type(desk.keys.billing['PY-COUNTY']!);
    await page.keyboard.press('Tab');
    await page.keyboard.type('0456');
    await page.keyboard.press('Tab');
    await page.keyboard.type('李四');
    await page.keyboard.press('Enter');
    await page.getByTestId('who').waitFor();
    await page.getByRole('heading', { name: '住院结算' }).waitFor();
    await expect.poll(() => focusedName(page)).toBe('card');
    await page.keyboard.type(card);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `参保人 ${card}` }).waitFor();
    // The cursor is in 入院日期 once the person is shown (the clerk sees it there).
    await expect.poll(() => focusedName(page)).toBe('admissionDate');
    await page.keyboard.type('20190301');
    await page.keyboard.press('Tab');
    await page.keyboard.type('20190310');
    await page.keyboard.press('Tab'); // 四项金额 (the checked radio)
    await page.keyboard.press('Tab');
    await page.keyboard.type('12345.67');
    await page.keyboard.press('Tab');
    await page.keyboard.type('300');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.type('120');
    await page.keyboard.press('Enter'); // 预结算
    await page.getByTestId('preview-patient').waitFor();
    await page.keyboard.press('Enter'); // focus is on 确认结算
    await page.getByTestId('confirm-patient').waitFor();
    await page.keyboard.press('Enter'); // the dialog's 确认结算
    await page.getByRole('heading', { name: '结算完成' }).waitFor();
    const list = await settlementsOf(card, 2019);
    expect(list).toHaveLength(1);
    const api = (await desk.api(desk.keys.admin, 'GET', `/v1/settlements/${list[0]!.settlementId}`)).body;
    expect(api.patientTotal).toBe('4627.70');
    expect(await focusedText(page)).toBe('打印结算单');
    await page.close();
  });
});

describe('referral desk and an out-of-area stay (Jinjiang)', E2E_TIMEOUT, () => {
  it('is refused 异地未备案 without a filing, and settles after the referral desk files one', async () => {
    const card = '350582198001010001';
    const stay = {
      card,
      hospitalId: 'FZ-XIEHE',
      admissionDate: '2018-08-01',
      dischargeDate: '2018-08-10',
      total: '30000.00',
      fullSelfPay: '0',
      overLimitSelfPay: '0',
      preSelfPay: '0',
    };
    const billing = await desk.signedIn(desk.keys.billing['FZ-XIEHE']!);
    await fillFourTotalBill(billing, stay);
    await billing.getByRole('button', { name: '预结算 (F8)' }).click();
    const refusal = billing.locator('[data-code="REFERRAL_REQUIRED"]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('异地未备案');
    await screenshot(billing, 'desk-billing-refused');
    await expect(billing.getByTestId('confirm').isDisabled()).resolves.toBe(true);
    expect(await settlementsOf(card, 2018)).toHaveLength(0);

    // The referral desk (another page, a referral key of the person's region) files one.
    const referral = await desk.signedIn(desk.keys.referral.jinjiang!);
    await expect(referral.getByRole('link', { name: '住院结算' }).count()).resolves.toBe(0);
    await referral.getByRole('heading', { name: '转诊备案' }).waitFor();
    await referral.getByLabel('社会保障卡号').fill(card);
    await referral.getByLabel('社会保障卡号').press('Enter');
    await referral.getByLabel('备案类型').selectOption('out-of-area');
    await referral.getByLabel('有效期起').fill('2018-01-01');
    await referral.getByLabel('有效期止').fill('2018-12-31');
    // The receiving hospital found by name in the registry and picked (never typed as an id).
    const toHospital = referral.getByRole('combobox', { name: '转入医院（空：不限医院）' });
    await toHospital.fill('福建医科');
    await referral.getByRole('option', { name: /福建医科大学附属协和医院/ }).waitFor();
    await toHospital.press('Enter');
    await expect(toHospital.inputValue()).resolves.toMatch(/^福建医科大学附属协和医院/);
    await referral.getByLabel('诊断').fill('I63.9 脑梗死');
    await referral.getByRole('button', { name: '办理备案' }).click();
    await referral.getByTestId('filed').waitFor();
    const referralId = (await referral.getByTestId('filed').locator('code').innerText()).trim();
    await referral.locator(`[data-filing="${referralId}"]`).waitFor();
    await screenshot(referral, 'desk-referral');
    await expectAccessible(referral, 'referral page');
    expect((await desk.api(desk.keys.admin, 'GET', `/v1/referrals/${referralId}`)).body.status).toBe('active');

    await billing.getByRole('button', { name: '预结算 (F8)' }).click();
    await billing.getByTestId('preview-patient').waitFor();
    await billing.getByTestId('confirm').click();
    await billing.getByTestId('confirm-settle').click();
    await billing.getByRole('heading', { name: '结算完成' }).waitFor();
    const list = await settlementsOf(card, 2018);
    expect(list).toHaveLength(1);
    const api = (await desk.api(desk.keys.admin, 'GET', `/v1/settlements/${list[0]!.settlementId}`)).body;
    expect(api.referralId).toBe(referralId);
    expect(await billing.getByTestId('slip').innerText()).toContain(referralId);
    expect(await slipField(billing, 'patientTotal')).toBe(api.patientTotal.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
    await screenshot(billing, 'desk-billing-out-of-area');

    // Revoking with a reason: the filing is kept, status revoked.
    await referral.getByRole('button', { name: `撤销备案 ${referralId}` }).click();
    await referral.getByLabel('撤销原因').fill('患者已转回');
    await referral.getByRole('button', { name: '确认撤销备案' }).click();
    await referral.locator(`[data-filing="${referralId}"] [data-status="revoked"]`).waitFor();
    expect((await desk.api(desk.keys.admin, 'GET', `/v1/referrals/${referralId}`)).body.status).toBe('revoked');
    await billing.close();
    await referral.close();
  });

  it('shows the finance page to billing keys, and every page passes axe', async () => {
    const page = await desk.signedIn(desk.keys.billing['PY-COUNTY']!);
    await page.getByRole('link', { name: '对账' }).click();
    await page.getByRole('heading', { name: '对账', exact: true }).waitFor();
    await screenshot(page, 'desk-finance');
    await expectAccessible(page, 'finance page');
    await page.goto(`${desk.base}/desk/document/${encodeURIComponent('000_b298e4d9608db673.txt')}?clause=${encodeURIComponent('三(一)1')}`);
    await page.getByTestId('cited').waitFor();
    expect(await page.getByTestId('cited').innerText()).toMatch(/^1\.住院待遇/);
    await screenshot(page, 'desk-document');
    await expectAccessible(page, 'document page');
    // A referral key has no billing page even by URL.
    const referral = await desk.signedIn(desk.keys.referral.pingyang!);
    await referral.goto(`${desk.base}/desk/billing`);
    await referral.getByRole('heading', { name: '无权访问' }).waitFor();
    await page.close();
    await referral.close();
  });

  it('serves the desk from the same process, with the documents read-only', async () => {
    const index = await fetch(`${desk.base}/desk/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    const html = await index.text();
    const script = /src="(\/desk\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${desk.base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const doc = await fetch(`${desk.base}/desk/documents/000_b298e4d9608db673.txt`);
    expect(doc.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await doc.text()).toBe(readFileSync(path.join(process.cwd(), 'docs/seeds/000_b298e4d9608db673.txt'), 'utf8'));
    expect((await fetch(`${desk.base}/desk/documents/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${desk.base}/desk/documents/../../package.json`)).status).toBe(404);
    expect((await fetch(`${desk.base}/desk/documents/nope.txt`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('as an outsider with a real key would try', E2E_TIMEOUT, () => {
  it('keeps the key in this tab only: not in localStorage, a cookie or any URL; signing out forgets it', async () => {
    const requested: string[] = [];
    const page = await desk.context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${desk.base}/desk/`);
    await page.getByLabel('接口密钥').fill(desk.keys.billing['PY-COUNTY']!);
    await page.getByLabel('操作员工号').fill('0123');
    await page.getByLabel('操作员姓名').fill('张三');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByLabel('社会保障卡号').fill(PINGYANG_STAY.card);
    await page.getByLabel('社会保障卡号').press('Enter');
    await page.getByRole('heading', { name: `参保人 ${PINGYANG_STAY.card}` }).waitFor();
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect((await desk.context.cookies()).length).toBe(0);
    expect(requested.filter((url) => url.includes(desk.keys.billing['PY-COUNTY']!))).toEqual([]);
    await page.getByRole('button', { name: '退出' }).click();
    await page.getByLabel('接口密钥').waitFor();
    expect(await page.evaluate('sessionStorage.getItem("desk.key")')).toBeNull();
    // Another tab of the same browser is not signed in.
    const other = await desk.context.newPage();
    await other.goto(`${desk.base}/desk/billing`);
    await other.getByLabel('接口密钥').waitFor();
    await page.close();
    await other.close();
  });

  it('shows text a filing carries as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const filed = await desk.api(desk.keys.referral.pingyang!, 'POST', '/v1/referrals', {
      card: '330326198502020002',
      kind: 'referral',
      validFrom: '2019-01-01',
      validTo: '2019-12-31',
      diagnosis: hostile,
    });
    expect(filed.status).toBe(201);
    const page = await desk.signedIn(desk.keys.referral.pingyang!);
    await page.getByLabel('社会保障卡号').fill('330326198502020002');
    await page.getByLabel('社会保障卡号').press('Enter');
    const row = page.locator(`[data-filing="${filed.body.referralId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(hostile);
    await expect(row.locator('img').count()).resolves.toBe(0);
    expect(await page.evaluate('window.__pwned === undefined')).toBe(true);
    await page.close();
  });

  it('another hospital’s key opening a slip by its URL gets 无权操作, not the slip', async () => {
    const list = await settlementsOf(PINGYANG_STAY.card, 2019);
    const page = await desk.signedIn(desk.keys.billing['WZ-CITY']!);
    await page.goto(`${desk.base}/desk/slip/${list[0]!.settlementId}`);
    const refusal = page.locator('[data-code="FORBIDDEN"]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('无权操作');
    await expect(page.getByTestId('slip').count()).resolves.toBe(0);
    await page.close();
  });

  it('a referral key of another region gets the refusal at the window and can file nothing', async () => {
    const card = '330326198001010001';
    const before = (await desk.api(desk.keys.admin, 'GET', `/v1/enrollees/${card}/referrals`)).body.referrals.length;
    const page = await desk.signedIn(desk.keys.referral.taiyuan!);
    await page.getByLabel('社会保障卡号').fill(card);
    await page.getByLabel('社会保障卡号').press('Enter');
    await page.locator('[data-code="FORBIDDEN"]').waitFor();
    await expect(page.getByRole('button', { name: '办理备案' }).count()).resolves.toBe(0);
    // And through the API with the same key: refused, nothing filed.
    const direct = await desk.api(desk.keys.referral.taiyuan!, 'POST', '/v1/referrals', { card, kind: 'referral', validFrom: '2019-01-01', validTo: '2019-12-31' });
    expect(direct.status).toBe(403);
    expect((await desk.api(desk.keys.admin, 'GET', `/v1/enrollees/${card}/referrals`)).body.referrals.length).toBe(before);
    await page.close();
  });
});
