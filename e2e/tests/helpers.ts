import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Picks an option of an antd Select and waits until the select shows it. The dropdown animates open,
 * and a click that lands mid-animation is lost (seen once in CI), so the pick is retried.
 */
export async function pickOption(
  page: Page,
  select: Locator,
  option: (dropdown: Locator) => Locator,
  shows: string,
) {
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await expect(async () => {
    if ((await dropdown.count()) === 0) await select.click();
    await option(dropdown).click({ timeout: 2_000 });
    await expect(select).toContainText(shows, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

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

/** An area drawn on the territory map, where its label sits (published by the map as data-regions). */
interface MapRegion {
  id: string;
  name: string;
  x: number;
  y: number;
}

/** Waits until the territory map shows the level named in the breadcrumb, with the given area drawn. */
export async function expectMapLevel(page: Page, crumb: string, area: string): Promise<MapRegion[]> {
  const breadcrumb = page.getByTestId('map-breadcrumb');
  await expect(breadcrumb.locator('.map-crumb-current')).toHaveText(crumb);
  const map = page.getByTestId('territory-map');
  let regions: MapRegion[] = [];
  await expect
    .poll(async () => {
      regions = JSON.parse((await map.getAttribute('data-regions')) ?? '[]') as MapRegion[];
      return regions.map((region) => region.name);
    })
    .toContain(area);
  return regions;
}

/** Clicks an area of the territory map where it is drawn (a real click on the canvas). */
export async function clickMapArea(page: Page, name: string): Promise<void> {
  const map = page.getByTestId('territory-map');
  // The map may still be settling (it resizes to the new level's shape): wait for the same
  // positions twice in a row before clicking.
  let previous = '';
  await expect
    .poll(
      async () => {
        const current = `${await map.getAttribute('data-regions')}|${JSON.stringify(await map.boundingBox())}`;
        const isStable = current === previous;
        previous = current;
        return isStable;
      },
      { intervals: [200, 200, 300, 500] },
    )
    .toBe(true);
  const regions = JSON.parse((await map.getAttribute('data-regions')) ?? '[]') as MapRegion[];
  const region = regions.find((item) => item.name === name);
  if (!region) throw new Error(`the map does not show ${name}: ${regions.map((r) => r.name).join(', ')}`);
  const box = await map.boundingBox();
  if (!box) throw new Error('the map is not visible');
  await page.mouse.click(box.x + region.x, box.y + region.y);
}
