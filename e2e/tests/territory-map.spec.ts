import { expect, test } from './fixtures';
import { clickMapArea, expectMapLevel, login, pickOption, saveScreenshot, switchLocale } from './helpers';

test('admin drills the map from the city to a grid and back, and changes the grid risk colour', async ({
  page,
  browser,
}) => {
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  await page.evaluate(() => window.sessionStorage.clear());
  await page.getByTestId('nav-territories').click();
  await expect(page).toHaveURL(/\/territories$/);

  // The whole city: its districts.
  await expectMapLevel(page, '示范市', '明德区');
  await expect(page.getByTestId('map-card')).toHaveAttribute('data-level', 'city');
  await expect(page.getByTestId('map-area-list')).toContainText('清和区');
  await saveScreenshot(page, 'map-admin-1-city-zh');

  await clickMapArea(page, '明德区');
  await expectMapLevel(page, '明德区', '和平街道');
  await saveScreenshot(page, 'map-admin-2-district-zh');

  await clickMapArea(page, '和平街道');
  await expectMapLevel(page, '和平街道', '东湖社区');
  await saveScreenshot(page, 'map-admin-3-street-zh');

  // Population as the measure: the scale follows, the tooltip says it.
  await pickOption(
    page,
    page.getByTestId('map-measure'),
    (dropdown) => dropdown.getByTestId('measure-population'),
    '人口',
  );
  await expect(page.getByTestId('map-area-list').locator('thead')).toContainText('人口');

  await clickMapArea(page, '东湖社区');
  const grids = await expectMapLevel(page, '东湖社区', '东湖社区第1网格');
  expect(grids.length).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('map-card')).toHaveAttribute('data-level', 'community');
  await page.mouse.move(0, 0);
  const map = page.getByTestId('territory-map');
  const box = (await map.boundingBox())!;
  const second = grids.find((grid) => grid.name === '东湖社区第2网格')!;
  await page.mouse.move(box.x + second.x, box.y + second.y);
  await expect(map.locator('.map-tooltip')).toContainText('东湖社区第2网格');
  await expect(map.locator('.map-tooltip')).toContainText('人口');
  await saveScreenshot(page, 'map-admin-4-community-population-zh');

  // Care-group counts from the ledger (the admin may read it).
  await pickOption(
    page,
    page.getByTestId('map-measure'),
    (dropdown) => dropdown.getByTestId('measure-careGroups'),
    '重点人群',
  );
  await expect(page.getByTestId('map-area-list').locator('thead')).toContainText('重点人群');
  await expect(page.getByTestId('map-area-list').locator('tbody tr').first()).not.toContainText('无数据');
  await page.mouse.move(0, 0);
  await saveScreenshot(page, 'map-admin-5-community-care-groups-zh');

  // Back up through the breadcrumb: to the district, then the city.
  await page.getByTestId('crumb-1').click();
  await expectMapLevel(page, '明德区', '安定街道');
  await page.getByTestId('crumb-0').click();
  await expectMapLevel(page, '示范市', '清和区');

  // Down again, and at grid level a click opens the grid's page.
  await clickMapArea(page, '明德区');
  await expectMapLevel(page, '明德区', '和平街道');
  await clickMapArea(page, '和平街道');
  await expectMapLevel(page, '和平街道', '东湖社区');
  await clickMapArea(page, '东湖社区');
  await expectMapLevel(page, '东湖社区', '东湖社区第1网格');
  await clickMapArea(page, '东湖社区第1网格');
  await expect(page).toHaveURL(/\/grids\/[0-9a-f-]+$/);
  await expect(page.getByTestId('grid-name')).toContainText('东湖社区第1网格');
  await expect(page.getByTestId('grid-staff')).toContainText('网格长');
  await expect(page.getByTestId('grid-card')).toContainText('监督电话');
  await expect(page.getByTestId('grid-facts')).toContainText('km²');
  await expect(page.getByTestId('grid-ledger')).toContainText('独居老人');

  // The admin turns the grid red, with a reason; the history shows it.
  await page.getByTestId('risk-option-red').click();
  await page.getByTestId('risk-save').click();
  await expect(page.getByTestId('risk-form')).toContainText('请填写调整原因');
  await page.getByTestId('risk-reason').fill('近期邻里纠纷增多，需重点关注');
  await page.getByTestId('risk-save').click();
  await expect(page.getByTestId('risk-tag').first()).toHaveAttribute('data-color', 'red');
  await expect(page.getByTestId('risk-history')).toContainText('近期邻里纠纷增多');
  await expect(page.getByTestId('risk-history')).toContainText('红色');
  await saveScreenshot(page, 'grid-admin-page-zh');

  // Back to the map: it comes back at the community level, and risk colour shows the red grid.
  await page.getByTestId('grid-back-to-map').click();
  await expectMapLevel(page, '东湖社区', '东湖社区第1网格');
  await pickOption(
    page,
    page.getByTestId('map-measure'),
    (dropdown) => dropdown.getByTestId('measure-riskColor'),
    '风险等级',
  );
  await expect(page.getByTestId('risk-legend')).toContainText('红色');
  await expect(page.getByTestId('map-area-list').locator('tbody tr').first()).toContainText('红色');
  await page.mouse.move(0, 0);
  await saveScreenshot(page, 'map-admin-6-community-risk-zh');

  // English labels on the map.
  await switchLocale(page, 'en');
  await expect(page.getByTestId('map-area-list').locator('thead')).toContainText('Risk colour');
  await expect(page.getByTestId('risk-legend')).toContainText('Not rated');
  await saveScreenshot(page, 'map-admin-7-community-risk-en');
  await switchLocale(page, 'zh-CN');

  // The public card opens without signing in.
  await clickMapArea(page, '东湖社区第1网格');
  const href = await page.getByTestId('public-card-link').getAttribute('href');
  expect(href).toMatch(/^\/public\/grids\/[0-9a-f-]+$/);
  const anonymous = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  expect(await anonymous.cookies()).toEqual([]);
  const card = await anonymous.newPage();
  await card.goto(href!);
  await expect(card).toHaveURL(/\/public\/grids\//);
  await expect(card.getByTestId('public-grid-name')).toHaveText('东湖社区第1网格');
  await expect(card.getByTestId('public-grid-card')).toContainText('网格公示牌');
  await expect(card.getByTestId('public-grid-card')).toContainText('和平街道');
  await expect(card.getByTestId('public-grid-staff')).toContainText('网格长');
  const phone = card.getByTestId('public-grid-staff').locator('a[href^="tel:"]').first();
  await expect(phone).toBeVisible();
  await expect(card.getByTestId('public-grid-supervision')).toHaveAttribute('href', /^tel:/);
  await expect(card.getByTestId('public-grid-duties').locator('li').first()).toBeVisible();
  const width = await card.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await saveScreenshot(card, 'grid-public-card-mobile-zh');
  await anonymous.close();
});

test('dispatcher starts at their street, drills to a grid and back, and opens the grid page', async ({
  page,
}) => {
  await login(page, 'dispatcher');
  await switchLocale(page, 'zh-CN');
  await page.evaluate(() => window.sessionStorage.clear());
  await page.getByTestId('nav-territories').click();

  await expectMapLevel(page, '和平街道', '东湖社区');
  await expect(page.getByTestId('map-card')).toHaveAttribute('data-level', 'street');
  // No ledger for a dispatcher: the care-group measure is not offered.
  await page.getByTestId('map-measure').click();
  await expect(page.locator('.ant-select-dropdown:visible').getByTestId('measure-households')).toBeVisible();
  await expect(page.locator('.ant-select-dropdown:visible').getByTestId('measure-careGroups')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await saveScreenshot(page, 'map-dispatcher-1-street-zh');

  await clickMapArea(page, '东湖社区');
  await expectMapLevel(page, '东湖社区', '东湖社区第2网格');
  await saveScreenshot(page, 'map-dispatcher-2-community-zh');

  await page.getByTestId('crumb-0').click();
  await expectMapLevel(page, '和平街道', '西苑社区');

  // Address → grid: the gazetteer finds the compound, and the map shows its grid.
  await page.getByTestId('address-search').locator('input').fill('东湖小区');
  await page.getByTestId('address-search').locator('input').press('Enter');
  const candidates = page.getByTestId('address-candidates');
  await expect(candidates).toContainText('东湖小区');
  await expect(candidates).toContainText('东湖社区第1网格');
  await candidates.getByTestId('address-show').first().click();
  await expectMapLevel(page, '东湖社区', '东湖社区第1网格');
  const highlighted = await page.getByTestId('territory-map').getAttribute('data-highlight');
  const regions = JSON.parse(
    (await page.getByTestId('territory-map').getAttribute('data-regions')) ?? '[]',
  ) as {
    id: string;
    name: string;
  }[];
  expect(regions.find((region) => region.id === highlighted)?.name).toBe('东湖社区第1网格');
  await page.mouse.move(0, 0);
  await saveScreenshot(page, 'map-dispatcher-3-address-zh');
  await page.getByTestId('crumb-0').click();
  await expectMapLevel(page, '和平街道', '西苑社区');

  await clickMapArea(page, '东湖社区');
  await expectMapLevel(page, '东湖社区', '东湖社区第2网格');
  await clickMapArea(page, '东湖社区第2网格');
  await expect(page).toHaveURL(/\/grids\/[0-9a-f-]+$/);
  await expect(page.getByTestId('grid-name')).toContainText('东湖社区第2网格');
  await expect(page.getByTestId('grid-staff')).toBeVisible();
  // Neither the risk form nor the ledger for a dispatcher.
  await expect(page.getByTestId('risk-form')).toHaveCount(0);
  await expect(page.getByTestId('grid-ledger')).toHaveCount(0);
  await saveScreenshot(page, 'grid-dispatcher-page-zh');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

  test('the map fits a phone and still drills down', async ({ page }) => {
    await login(page, 'dispatcher');
    await switchLocale(page, 'zh-CN');
    await page.evaluate(() => window.sessionStorage.clear());
    await page.goto('/territories');
    await expectMapLevel(page, '和平街道', '东湖社区');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await saveScreenshot(page, 'map-mobile-1-street-zh', { fullPage: false });
    await clickMapArea(page, '东湖社区');
    await expectMapLevel(page, '东湖社区', '东湖社区第1网格');
    await saveScreenshot(page, 'map-mobile-2-community-zh', { fullPage: false });
  });
});
