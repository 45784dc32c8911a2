/**
 * Hospitals by name, never by id, in Debian's chromium: the referral desk
 * finds the receiving hospital in the registry by name or national code and
 * picks it with the keyboard; a hospital the registry does not hold cannot be
 * picked, and a filing to one is refused 422 in Chinese; finance and the bill
 * name hospitals. Every screenshot is checked for English first.
 */
import { createRedis } from '../../src/store/redis.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiToday } from '../../desk/src/format.js';
import { E2E_TIMEOUT, expectAccessible, screenshot, startDesk, type Desk } from './harness.js';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.close();
});

const JJ = '350582198001010001';
const TO_HOSPITAL = '转入医院（空：不限医院）';

async function referralPage(card: string) {
  const page = await desk.signedIn(desk.keys.referral.jinjiang!);
  await page.getByLabel('社会保障卡号').fill(card);
  await page.getByLabel('社会保障卡号').press('Enter');
  await page.getByLabel('备案类型').selectOption('out-of-area');
  await page.getByLabel('有效期起').fill('2018-01-01');
  await page.getByLabel('有效期止').fill('2018-12-31');
  return page;
}

async function filingCount(card: string): Promise<number> {
  return (await desk.api(desk.keys.admin, 'GET', `/v1/enrollees/${card}/referrals?status=all`)).body.referrals.length;
}

describe('the referral desk picks the receiving hospital from the registry', E2E_TIMEOUT, () => {
  it('by part of its name, with the keyboard only; the filing names the hospital', async () => {
    const page = await referralPage(JJ);
    const box = page.getByRole('combobox', { name: TO_HOSPITAL });
    await box.fill('协和');
    const options = page.getByRole('listbox').getByRole('option');
    await expect.poll(() => options.allInnerTexts()).toEqual(['北京协和医院 国家医保编码 H11010100001', '福建医科大学附属协和医院 国家医保编码 H35010200001']);
    await box.press('ArrowDown');
    await expect(options.nth(1).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(box.getAttribute('aria-activedescendant')).resolves.toBe('toHospital-options-1');
    await expectAccessible(page, 'referral hospital search');
    await screenshot(page, 'desk-referral-hospital-search');
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('福建医科大学附属协和医院（H35010200001）');
    await expect(page.getByRole('listbox').isHidden()).resolves.toBe(true);
    await page.getByLabel('诊断').fill('C34.9');
    await page.getByLabel('诊断').press('Enter');
    const filed = page.getByTestId('filed');
    await filed.waitFor();
    await expect.poll(() => filed.innerText()).toContain('转入 福建医科大学附属协和医院（H35010200001）');
    const referralId = /R-[\w-]+/.exec(await filed.innerText())![0];
    expect((await desk.api(desk.keys.admin, 'GET', `/v1/referrals/${referralId}`)).body).toMatchObject({ toHospitalId: 'FZ-XIEHE', diagnosis: 'C34.9' });
    await expect.poll(() => page.locator(`[data-filing="${referralId}"]`).innerText()).toContain('福建医科大学附属协和医院（H35010200001）');
    // The box is empty again for the next filing.
    await expect(box.inputValue()).resolves.toBe('');
    await screenshot(page, 'desk-referral-filed');
    await page.close();
  });

  it('by national code, Enter pressed in the same instant as the typing picks what was typed', async () => {
    const page = await referralPage(JJ);
    // Typed and Enter in one task (a scanner or a macro): the answer for this text is not there yet.
    await page.evaluate(`(() => {
      const input = document.querySelector('input[name=toHospital]');
      input.focus();
      input.value = 'h35058200002';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    })()`);
    const box = page.getByRole('combobox', { name: TO_HOSPITAL });
    await expect.poll(() => box.inputValue()).toBe('晋江市中医院（H35058200002）');
    await expect(page.getByTestId('filed').count()).resolves.toBe(0); // that Enter did not file
    await page.close();
  });
});

describe('a hospital the registry does not hold', E2E_TIMEOUT, () => {
  it('cannot be picked: the window says so and will not file with the box unpicked', async () => {
    const before = await filingCount(JJ);
    const page = await referralPage(JJ);
    await page.getByRole('combobox', { name: TO_HOSPITAL }).fill('NO-SUCH-HOSP');
    await expect.poll(() => page.getByTestId('toHospital-status').innerText()).toBe('医院登记库中没有与“NO-SUCH-HOSP”相符的医院，不能备案到未登记的医院');
    await expect(page.getByRole('button', { name: '办理备案' }).isDisabled()).resolves.toBe(true);
    expect(await page.locator('#file-blocked').innerText()).toBe('转入医院尚未从列表中选定：请选定，或清空该栏（不限医院）');
    await screenshot(page, 'desk-referral-unknown-hospital');
    expect(await filingCount(JJ)).toBe(before);
    await page.close();
  });

  it('a filing to one is refused 422 naming it, shown in Chinese; nothing is filed', async () => {
    // A hospital picked while registered, gone from the registry before the filing is sent.
    expect(
      (await desk.api(desk.keys.admin, 'PUT', '/v1/hospitals/GONE-1', { name: '已撤销定点的医院', admdvs: '350582', level: 1, kind: 'general', countyRun: true })).status,
    ).toBe(201);
    const before = await filingCount(JJ);
    const page = await referralPage(JJ);
    const box = page.getByRole('combobox', { name: TO_HOSPITAL });
    await box.fill('已撤销定点');
    await page.getByRole('option', { name: /已撤销定点的医院/ }).waitFor();
    await box.press('Enter');
    const redis = createRedis({ url: desk.redis.url });
    await redis.del('hospital:GONE-1');
    redis.disconnect();
    await page.getByRole('button', { name: '办理备案' }).click();
    const refusal = page.locator('[role=alert][data-code=HOSPITAL_NOT_FOUND]');
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('转入医院 GONE-1 未在医院登记库中登记，不能备案；请从登记库中选择医院');
    await screenshot(page, 'desk-referral-refused-422');
    expect(await filingCount(JJ)).toBe(before);

    // The same filing sent by the page's own client (as a HIS would): 422 naming the hospital, in Chinese.
    const answer = (await page.evaluate(
      async ([key]) => {
        const response = await fetch('/v1/referrals', {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ card: '350582198001010001', kind: 'out-of-area', validFrom: '2018-01-01', validTo: '2018-12-31', toHospitalId: 'NO-SUCH-HOSP' }),
        });
        return { status: response.status, body: await response.json() };
      },
      [desk.keys.referral.jinjiang!],
    )) as { status: number; body: { error: { code: string; message: string } } };
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'HOSPITAL_NOT_FOUND', message: '转入医院 NO-SUCH-HOSP 未在医院登记库中登记，不能备案；请从登记库中选择医院' });
    expect(await filingCount(JJ)).toBe(before);
    await page.close();
  });
});

describe('hospitals by name on the finance and billing pages', E2E_TIMEOUT, () => {
  it('an admin key picks the hospital of the day statement by name; a billing key sees its own by name, not its id', async () => {
    const page = await desk.signedIn(desk.keys.admin);
    await page.getByRole('link', { name: '对账' }).click();
    const box = page.getByRole('combobox', { name: '医院' });
    await box.fill('平阳县人民');
    await page.getByRole('option', { name: /平阳县人民医院/ }).waitFor();
    await box.press('Enter');
    await page.getByRole('button', { name: '查询日结单' }).click();
    await page.getByTestId('statement').waitFor();
    expect(await page.getByTestId('statement').innerText()).toContain(`平阳县人民医院（H33032600001） ${shanghaiToday()} 医保结算日结单`);
    await screenshot(page, 'desk-finance-admin-hospital');
    await page.close();

    const billing = await desk.signedIn(desk.keys.billing['JJ-CITY']!);
    await billing.getByRole('link', { name: '对账' }).click();
    const finance = await billing.locator('main').innerText();
    expect(finance).toContain('晋江市医院（H35058200001）');
    expect(finance).not.toContain('JJ-CITY');
    await billing.getByRole('link', { name: '住院结算' }).click();
    await billing.getByLabel('社会保障卡号').fill(JJ);
    await billing.getByLabel('社会保障卡号').press('Enter');
    await expect.poll(() => billing.getByTestId('bill-hospital').innerText()).toContain('晋江市医院（H35058200001）');
    await screenshot(billing, 'desk-billing-hospital-name');
    await billing.close();
  });
});
