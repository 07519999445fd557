import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

/** The password of every seeded demo account. */
export const DEMO_PASSWORD = 'huizhi-demo-2026';

const screenshotDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** Saves a screenshot (full page unless told otherwise) as e2e/screenshots/<name>.png. */
export async function saveScreenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** Fills and submits the login form (the page must show it). */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

/** Signs in through the login page and waits for the signed-in frame. */
export async function login(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await submitLogin(page, username, password);
  await expect(page.getByTestId('app-header')).toBeVisible();
}

/** The navigation keys in the menu, in order (from the `data-testid="nav-<key>"` labels). */
export async function navKeys(page: Page): Promise<string[]> {
  await expect(page.locator('[data-testid^="nav-"]').first()).toBeAttached();
  return page
    .locator('[data-testid^="nav-"]')
    .evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('data-testid')!.slice('nav-'.length)),
    );
}

/**
 * Switches the language with the header's switch, waits for the interface to follow and for the
 * choice to be saved to the account. Does nothing when the language is already the one asked for.
 */
export async function switchLocale(page: Page, locale: 'zh-CN' | 'en'): Promise<void> {
  const header = page.getByTestId('app-header');
  await expect(header).toBeVisible();
  if ((await page.locator('html').getAttribute('lang')) === locale) return;
  const saved = page.waitForResponse(
    (response) => response.url().endsWith('/api/v1/auth/me/locale') && response.request().method() === 'PUT',
  );
  await header.getByTestId(`locale-${locale}`).click();
  expect((await saved).ok()).toBe(true);
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
  await expect.poll(() => page.evaluate(() => window.localStorage.getItem('huizhi.locale'))).toBe(locale);
}
