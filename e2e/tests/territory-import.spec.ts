import { expect, test } from './fixtures';
import { login, saveScreenshot, switchLocale } from './helpers';

/** A building (楼栋) inside 东湖社区第5网格: small, so it overlaps no sibling. */
const building = {
  type: 'Feature',
  properties: {
    name: 'E2E测试楼栋1号楼',
    code: '990101001001G05B01',
    level: 'building',
    parentCode: '990101001001G05',
  },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [116.39, 39.865],
        [116.3905, 39.865],
        [116.3905, 39.8655],
        [116.39, 39.8655],
        [116.39, 39.865],
      ],
    ],
  },
};

/** A feature without coordinates: the whole import must be refused. */
const broken = {
  type: 'Feature',
  properties: {
    name: 'E2E测试楼栋2号楼',
    code: '990101001001G05B02',
    level: 'building',
    parentCode: '990101001001G05',
  },
  geometry: null,
};

function geojson(features: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }), 'utf8');
}

test('admin dry-runs a bad GeoJSON (refused, nothing changed), then imports a good one', async ({ page }) => {
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('nav-territoryImport').click();
  await expect(page).toHaveURL(/\/territory-import$/);
  await expect(page.getByTestId('page-title')).toHaveText('辖区导入导出');
  await expect(page.getByTestId('import-apply')).toBeDisabled();

  const countBuildings = async () => {
    const response = await page.request.get('/api/v1/territories', {
      params: { q: 'E2E测试楼栋', limit: 50 },
    });
    expect(response.ok()).toBe(true);
    return ((await response.json()) as { total: number }).total;
  };
  expect(await countBuildings()).toBe(0);

  // A file with one bad feature: the report lists the refusal, and nothing is written.
  const input = page.locator('input[type="file"]');
  await input.setInputFiles({
    name: 'buildings-bad.geojson',
    mimeType: 'application/geo+json',
    buffer: geojson([building, broken]),
  });
  await expect(page.getByTestId('import-file-name')).toContainText('buildings-bad.geojson');
  await page.getByTestId('import-dry-run').click();
  const report = page.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'refused');
  await expect(page.getByTestId('import-status')).toContainText('导入被拒绝');
  await expect(page.getByTestId('import-refused')).toContainText('990101001001G05B02');
  await expect(page.getByTestId('import-refused')).toContainText('缺少坐标');
  await expect(page.getByTestId('import-apply')).toBeDisabled();
  expect(await countBuildings()).toBe(0);
  await saveScreenshot(page, 'import-admin-1-refused-zh');

  // A good file: the dry run passes and changes nothing; then it is applied.
  await input.setInputFiles({
    name: 'buildings-good.geojson',
    mimeType: 'application/geo+json',
    buffer: geojson([building]),
  });
  await expect(page.getByTestId('import-file-name')).toContainText('buildings-good.geojson');
  await page.getByTestId('import-dry-run').click();
  await expect(report).toHaveAttribute('data-outcome', 'checked');
  await expect(page.getByTestId('import-status')).toContainText('试运行通过');
  expect(await countBuildings()).toBe(0);
  await saveScreenshot(page, 'import-admin-2-dry-run-zh');

  await expect(page.getByTestId('import-apply')).toBeEnabled();
  await page.getByTestId('import-apply').click();
  await expect(report).toHaveAttribute('data-outcome', 'applied');
  await expect(page.getByTestId('import-status')).toContainText('导入完成');
  await expect(report).toContainText('新增');
  expect(await countBuildings()).toBe(1);
  await saveScreenshot(page, 'import-admin-3-applied-zh');

  // The export links download the tree with the session.
  const exported = await page.request.get((await page.getByTestId('export-csv').getAttribute('href'))!);
  expect(exported.ok()).toBe(true);
  expect(await exported.text()).toContain('990101001001G05B01');
});
