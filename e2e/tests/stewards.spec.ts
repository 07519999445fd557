import type { APIRequestContext, Browser, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DEMO_PASSWORD, login, saveScreenshot, switchLocale } from './helpers';

/** Console errors that are expected: the browser logs every 4xx answer. */
const EXPECTED_CONSOLE_ERRORS = [/Failed to load resource: the server responded with a status of 4\d\d/];

/** A courtyard in the north of 东湖社区第1网格 (clear of the demo 东湖小区 outline further south). */
const NORTH_YARD = {
  type: 'Polygon',
  coordinates: [
    [
      [116.304, 39.8675],
      [116.312, 39.8675],
      [116.312, 39.87],
      [116.304, 39.87],
      [116.304, 39.8675],
    ],
  ],
};
const POINT_IN_NORTH_YARD = { lng: 116.308, lat: 39.8688 };

/** Records an appeal through the API as the hotline operator; returns its number. */
async function recordAppealAsOperator(request: APIRequestContext, content: string): Promise<string> {
  const login = await request.post('/api/v1/auth/login', {
    data: { username: 'operator', password: DEMO_PASSWORD },
  });
  expect(login.ok()).toBe(true);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await request.post('/api/v1/appeals', {
    headers: { 'x-csrf-token': csrfToken },
    data: {
      type: 'complaint',
      categoryCode: '020201',
      content,
      address: '东湖小区北院 7 号楼前',
      location: POINT_IN_NORTH_YARD,
      appellant: { name: '林阿姨', phone: '13912340000' },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { number: string }).number;
}

/** A phone-sized signed-in page in its own context, failing the test on page errors. */
async function onPhone(browser: Browser, username: string, problems: string[]): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${username} uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (!EXPECTED_CONSOLE_ERRORS.some((pattern) => pattern.test(text)))
      problems.push(`${username} console: ${text}`);
  });
  await login(page, username);
  await switchLocale(page, 'zh-CN');
  return page;
}

test('an administrator names a courtyard steward; the steward answers an appeal in the courtyard on a phone', async ({
  page,
  browser,
  playwright,
  baseURL,
}) => {
  // The case is opened by the background job (every HUIZHI_SWEEP_SECONDS): allow it a few runs.
  test.setTimeout(240_000);
  const problems: string[] = [];

  // 1. The administrator adds a courtyard under 东湖路巷长, with its outline pasted as GeoJSON.
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('nav-stewards').click();
  await expect(page).toHaveURL(/\/stewards$/);
  const tree = page.getByTestId('steward-tree');
  await expect(tree).toContainText('和平街道街长');
  const lane = page.locator('[data-testid^="steward-post-"]').filter({ hasText: '东湖路巷长' });
  await lane.getByRole('button', { name: /添加院长/ }).click();

  const drawer = page.locator('.steward-drawer');
  await expect(drawer.getByText('设立院长')).toBeVisible();
  await drawer.getByTestId('steward-form-name').fill('东湖小区北院院长');
  const territory = drawer.getByTestId('steward-form-territory');
  await territory.click();
  await page.keyboard.type('东湖社区第1网格');
  await page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: '东湖社区第1网格' }).click();
  await expect(territory).toContainText('东湖社区第1网格');
  await drawer.getByTestId('steward-form-steward-name').fill('吴党员');
  await drawer.getByTestId('steward-form-phone').fill('13800000007');
  const account = drawer.getByTestId('steward-form-account');
  await account.click();
  await page.keyboard.type('partyMember');
  await page.locator('.ant-select-item-option').filter({ hasText: '吴党员' }).click();
  await expect(account).toContainText('吴党员');
  await drawer.getByTestId('steward-form-geometry').fill(JSON.stringify(NORTH_YARD));
  await saveScreenshot(page, 'stewards-drawer-zh', { fullPage: false });
  const saved = page.waitForResponse(
    (response) => response.url().endsWith('/api/v1/steward-posts') && response.request().method() === 'POST',
  );
  await drawer.getByTestId('steward-form-submit').click();
  expect((await saved).status()).toBe(201);
  await expect(drawer.getByTestId('steward-form-submit')).toBeHidden();
  const yard = page.locator('[data-testid^="steward-post-"]').filter({ hasText: '东湖小区北院院长' });
  await expect(yard).toContainText('吴党员');
  await expect(yard).toContainText('有院落边界');
  await expect(yard).toContainText('东湖社区第1网格');
  await saveScreenshot(page, 'stewards-roll-zh');

  // The street office's lead keeps the roll on a phone too: the drawer takes the whole screen, and
  // linking accounts is left to administrators.
  const leadPhone = await onPhone(browser, 'unitLead', problems);
  await leadPhone.goto('/stewards');
  const ownYard = leadPhone
    .locator('[data-testid^="steward-post-"]')
    .filter({ hasText: '东湖小区院长' })
    .filter({ hasNotText: '北院' });
  await expect(ownYard).toContainText('吴党员');
  expect(await leadPhone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await saveScreenshot(leadPhone, 'stewards-roll-phone-zh');
  await ownYard.getByRole('button', { name: /编辑/ }).click();
  const phoneDrawer = leadPhone.locator('.steward-drawer');
  await expect(phoneDrawer.getByTestId('steward-form-account-readonly')).toHaveText('已关联账号');
  await expect(phoneDrawer.getByTestId('steward-form-geometry')).toHaveValue(/Polygon/);
  await saveScreenshot(leadPhone, 'stewards-drawer-phone-zh', { fullPage: false });
  await leadPhone.context().close();

  // 2. The hotline records an appeal at a point inside that courtyard.
  const operator = await playwright.request.newContext({ baseURL });
  const content = `东湖小区北院7号楼前的井盖松动，晚上走路容易崴脚（${Date.now()}）。`;
  const number = await recordAppealAsOperator(operator, content);
  await operator.dispose();

  // 3. The courtyard steward (吴党员, a party member) finds it among their tasks, on a phone.
  const phone = await onPhone(browser, 'partyMember', problems);
  await phone.getByTestId('menu-toggle').click();
  await phone.getByTestId('nav-stewardTasks').click();
  await expect(phone).toHaveURL(/\/steward-tasks$/);
  const card = phone.getByTestId(`steward-case-${number}`);
  await expect(async () => {
    await phone.reload();
    await expect(card).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 200_000, intervals: [2_000, 5_000] });
  await expect(card).toContainText(content);
  await expect(card).toContainText('东湖小区北院院长');
  await expect(card.getByTestId('steward-case-state')).toHaveText('待答复');
  await expect(card).toContainText('剩余 23 小时');
  // The chain, from the courtyard up to the street.
  for (const name of ['吴党员', '马巷长', '刘片长', '孙主任']) await expect(card).toContainText(name);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await saveScreenshot(phone, 'steward-tasks-phone-zh');

  // 4. The steward answers; the case leaves the open list and shows the answer under 全部.
  await card.getByTestId('steward-answer-input').fill('已到现场查看，井盖已请物业今天下午更换。');
  const answered = phone.waitForResponse((response) => response.url().includes('/answer'));
  await card.getByTestId('steward-answer-submit').click();
  expect((await answered).status()).toBe(200);
  await expect(card).toBeHidden();
  await phone.getByTestId('steward-tasks-filter').getByText('全部').click();
  await expect(card.getByTestId('steward-case-state')).toHaveText('已答复');
  await expect(card.getByTestId('steward-case-answer')).toContainText('井盖已请物业今天下午更换');
  await saveScreenshot(phone, 'steward-tasks-answered-phone-zh');

  // The desktop view of the same list.
  const desktop = await browser.newContext();
  const desk = await desktop.newPage();
  await login(desk, 'partyMember');
  await switchLocale(desk, 'zh-CN');
  await desk.goto('/steward-tasks');
  await desk.getByTestId('steward-tasks-filter').getByText('全部').click();
  await expect(desk.getByTestId(`steward-case-${number}`)).toContainText('已答复');
  await saveScreenshot(desk, 'steward-tasks-desktop-zh');
  await desktop.close();
  await phone.context().close();
  expect(problems, 'errors in the browser console').toEqual([]);
});
