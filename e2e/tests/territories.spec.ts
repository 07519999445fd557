import { expect, test } from './fixtures';
import { DEMO_PASSWORD, login, pickOption, saveScreenshot, submitLogin, switchLocale } from './helpers';

test('a wrong password shows the translated error on the login page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('demo-hint')).toContainText('演示账号见服务器控制台');
  await submitLogin(page, 'dispatcher', 'not-the-password');
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误');
  await saveScreenshot(page, 'login-error-zh');

  await page.getByTestId('locale-en').click();
  await expect(page.getByTestId('login-error')).toContainText('The username or password is wrong');
  await expect(page.getByTestId('login-submit')).toHaveText('Sign in');
  await saveScreenshot(page, 'login-error-en');

  // The choice made on the login page is kept after signing in.
  await submitLogin(page, 'dispatcher', DEMO_PASSWORD);
  await expect(page.getByTestId('nav-territories')).toHaveText('Territories');
  await switchLocale(page, 'zh-CN');
});

test('dispatcher expands a territory and sees its children', async ({ page }) => {
  await login(page, 'dispatcher');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('nav-territories').click();
  await expect(page).toHaveURL(/\/territories$/);
  // The map is the first tab; the tree table is the second.
  await page.getByTestId('tab-list').click();
  await expect(page).toHaveURL(/\/territories\?view=list$/);

  const table = page.getByTestId('territory-table');
  const rows = table.locator('tbody tr.ant-table-row');
  await expect(rows.first()).toBeVisible();
  const before = await rows.count();
  const firstRow = rows.first();
  await expect(firstRow).toContainText('和平街道');
  await expect(firstRow).toContainText('街道');

  await firstRow.locator('.ant-table-row-expand-icon').click();
  await expect(table.locator('tbody tr[data-level="community"]').first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(before);
  await expect(table).toContainText('东湖社区');
  await expect(table.locator('tbody tr[data-level="community"]').first()).toContainText('社区');
  await saveScreenshot(page, 'dispatcher-territories-zh');

  // One level further down: a community's grids.
  const community = table.locator('tbody tr[data-level="community"]').first();
  await community.locator('.ant-table-row-expand-icon').click();
  await expect(table.locator('tbody tr[data-level="grid"]').first()).toBeVisible();

  // The search box filters by name.
  await page.getByTestId('territory-search').locator('input').fill('东湖');
  await page.getByTestId('territory-search').locator('input').press('Enter');
  await expect(rows.first()).toContainText('东湖');
  for (const text of await table.locator('[data-testid="territory-name"]').allTextContents()) {
    expect(text).toContain('东湖');
  }

  // When the session is gone, the next API call answers 401 and the app goes to the login page;
  // signing in again returns to the page that was asked for.
  await page.context().clearCookies();
  await page.getByTestId('nav-units').click();
  await expect(page).toHaveURL(/\/login$/);
  await submitLogin(page, 'dispatcher', DEMO_PASSWORD);
  await expect(page).toHaveURL(/\/units$/);
  await expect(page.getByTestId('unit-table')).toBeVisible();
});

test('dispatcher filters handling units by type', async ({ page }) => {
  await login(page, 'dispatcher');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('nav-units').click();
  const table = page.getByTestId('unit-table');
  await expect(table.locator('tbody tr.ant-table-row').first()).toBeVisible();

  const filtered = page.waitForResponse(
    (response) => response.url().includes('/api/v1/units?') && response.url().includes('type=community'),
  );
  await pickOption(
    page,
    page.getByTestId('unit-type-filter'),
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: '社区居委会' }),
    '社区居委会',
  );
  expect((await filtered).ok()).toBe(true);
  const typeCells = table.locator('tbody tr.ant-table-row td:nth-child(2)');
  await expect
    .poll(async () => {
      const types = await typeCells.allTextContents();
      return types.length > 0 && types.every((type) => type === '社区居委会');
    })
    .toBe(true);
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await saveScreenshot(page, 'dispatcher-units-zh');
});
