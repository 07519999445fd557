import { expect, test } from './fixtures';
import { login, navKeys, saveScreenshot, switchLocale } from './helpers';

test('dispatcher sees their menu in Chinese, then in English, and the choice is kept', async ({
  page,
  browser,
}) => {
  await login(page, 'dispatcher');
  await switchLocale(page, 'zh-CN');

  expect(await navKeys(page)).toEqual(['home', 'appeals', 'whistleBoard', 'territories', 'units', 'account']);
  await expect(page.getByTestId('nav-home')).toHaveText('工作台');
  await expect(page.getByTestId('nav-appeals')).toHaveText('诉求工单');
  await expect(page.getByTestId('nav-whistleBoard')).toHaveText('吹哨调度');
  await expect(page.getByTestId('nav-territories')).toHaveText('辖区');
  await expect(page.getByTestId('nav-units')).toHaveText('承办单位');
  await expect(page.getByTestId('nav-account')).toHaveText('我的账户');
  await expect(page.getByTestId('app-name')).toHaveText('汇治');
  await expect(page.getByTestId('user-roles')).toContainText('派单员');
  await expect(page.getByTestId('home-assignments')).toContainText('和平街道');
  await expect(page.getByTestId('home-permissions')).toContainText('查看辖区与网格');
  await saveScreenshot(page, 'dispatcher-home-zh');

  await switchLocale(page, 'en');
  await expect(page.getByTestId('nav-territories')).toHaveText('Territories');
  await expect(page.getByTestId('nav-home')).toHaveText('Home');
  await expect(page.getByTestId('nav-appeals')).toHaveText('Appeals');
  await expect(page.getByTestId('nav-whistleBoard')).toHaveText('Whistles');
  await expect(page.getByTestId('nav-units')).toHaveText('Handling units');
  await expect(page.getByTestId('app-name')).toHaveText('Huizhi');
  await expect(page.getByTestId('user-roles')).toContainText('Dispatcher');
  expect(await navKeys(page)).toEqual(['home', 'appeals', 'whistleBoard', 'territories', 'units', 'account']);
  await saveScreenshot(page, 'dispatcher-home-en');

  // The language was saved to the account: a fresh browser signs in in English.
  const other = await browser.newContext({ locale: 'zh-CN' });
  const otherPage = await other.newPage();
  await login(otherPage, 'dispatcher');
  await expect(otherPage.getByTestId('nav-territories')).toHaveText('Territories');
  await other.close();

  // Leave the account as seeded.
  await switchLocale(page, 'zh-CN');
  await expect(page.getByTestId('nav-territories')).toHaveText('辖区');
});

test('resident sees only the home, my appeals and account entries', async ({ page }) => {
  await login(page, 'resident');
  await switchLocale(page, 'zh-CN');

  expect(await navKeys(page)).toEqual(['home', 'myAppeals', 'account']);
  await expect(page.getByTestId('nav-home')).toHaveText('工作台');
  await expect(page.getByTestId('nav-myAppeals')).toHaveText('我的诉求');
  await expect(page.getByTestId('nav-account')).toHaveText('我的账户');
  await expect(page.getByTestId('user-roles')).toContainText('居民');
  // A resident's permissions are over their own appeals only; the home page offers 我要反映.
  await expect(page.getByTestId('home-permissions')).toContainText('查看诉求');
  await expect(page.getByTestId('home-permissions')).not.toContainText('查看辖区与网格');
  await expect(page.getByTestId('home-new-appeal')).toHaveText('我要反映');
  await saveScreenshot(page, 'resident-home-zh');

  // A page outside the resident's navigation shows "no permission".
  await page.goto('/territories');
  await expect(page.getByTestId('no-permission')).toContainText('没有权限');
  // An unknown address shows the 404 page.
  await page.goto('/no-such-page');
  await expect(page.getByTestId('not-found')).toContainText('页面不存在');

  await page.getByTestId('nav-account').click();
  await expect(page.getByTestId('account-profile')).toContainText('resident');
  await switchLocale(page, 'en');
  await expect(page.getByTestId('nav-account')).toHaveText('My account');
  await expect(page.getByTestId('account-profile')).toContainText('Username');
  await page.getByTestId('nav-home').click();
  expect(await navKeys(page)).toEqual(['home', 'myAppeals', 'account']);
  await expect(page.getByTestId('user-roles')).toContainText('Resident');
  await saveScreenshot(page, 'resident-home-en');

  await switchLocale(page, 'zh-CN');
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
});
