import { expect, test } from './fixtures';
import { DEMO_PASSWORD, navKeys, saveScreenshot, submitLogin, switchLocale } from './helpers';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

test('a resident signs in on a phone-sized screen', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByTestId('login-submit')).toBeVisible();
  await saveScreenshot(page, 'mobile-login-zh');

  await submitLogin(page, 'resident', DEMO_PASSWORD);
  await expect(page.getByTestId('app-header')).toBeVisible();
  await switchLocale(page, 'zh-CN');

  // The menu is folded away; the page uses the whole width.
  await expect(page.getByTestId('nav-home')).toBeHidden();
  await expect(page.getByTestId('home-welcome')).toBeVisible();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await saveScreenshot(page, 'mobile-resident-home-zh');

  await page.getByTestId('menu-toggle').click();
  await expect(page.getByTestId('nav-home')).toBeVisible();
  expect(await navKeys(page)).toEqual(['home', 'myAppeals', 'account']);
  await expect(page.getByTestId('nav-myAppeals')).toHaveText('我的诉求');
  await saveScreenshot(page, 'mobile-resident-menu-zh');

  await page.getByTestId('nav-account').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('nav-home')).toBeHidden();
  await expect(page.getByTestId('account-profile')).toContainText('resident');
  await saveScreenshot(page, 'mobile-resident-account-zh');
});
