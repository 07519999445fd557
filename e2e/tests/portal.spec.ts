import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { DEMO_PASSWORD, login, pickOption, saveScreenshot, switchLocale } from './helpers';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE_CSV = join(repoRoot, 'docs/operations/samples/appeals-12345-sample.csv');
const PHONE = { width: 390, height: 844 };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small RGB PNG (a green lawn under a blue sky with a grey bin), made here so no binary is committed. */
function makePhoto(width = 96, height = 72): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      const isBin = x > 36 && x < 60 && y > 30 && y < 62;
      const [r, g, b] = isBin ? [110, 110, 110] : y < height / 2 ? [120, 170, 230] : [80, 160, 70];
      row.set([r, g, b], 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A signed-in API client for one demo account (cookie kept by the context, CSRF token sent). */
async function signIn(context: APIRequestContext, username: string) {
  const response = await context.post('/api/v1/auth/login', { data: { username, password: DEMO_PASSWORD } });
  expect(response.ok(), await response.text()).toBe(true);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    async get<T>(path: string): Promise<T> {
      const answer = await context.get(path);
      expect(answer.ok(), `${path}: ${await answer.text()}`).toBe(true);
      return (await answer.json()) as T;
    },
    async post<T>(path: string, data: unknown): Promise<T> {
      const answer = await context.post(path, { data, headers: { 'x-csrf-token': csrfToken } });
      expect(answer.ok(), `${path}: ${await answer.text()}`).toBe(true);
      return (await answer.json()) as T;
    },
  };
}

/** A page's first render may take a while on a loaded machine (the antd bundle is parsed first). */
const FIRST_RENDER = { timeout: 30_000 };

/** Saves a full-page screenshot from the top (a scrolled page would put the sticky header mid-picture). */
async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, name);
}

/** Fails when the page is wider than the phone (something would scroll sideways). */
async function expectNoHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, 'the page scrolls sideways').toBeLessThanOrEqual(PHONE.width);
}

test.describe('on a phone', () => {
  test.use({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

  test('a resident reports a problem with a photo, follows it and rates the answer', async ({
    page,
    playwright,
    baseURL,
  }) => {
    await login(page, 'resident');
    await switchLocale(page, 'zh-CN');
    await page.getByTestId('home-new-appeal').click(FIRST_RENDER);
    await expect(page).toHaveURL(/\/portal\/new$/);

    // The form: type chip, the two-step category picker, the text, a photo and a typed address.
    await page.getByTestId('portal-type-complaint').click(FIRST_RENDER);
    await expect(page.getByTestId('portal-type-complaint')).toHaveAttribute('aria-pressed', 'true');
    await page.getByTestId('portal-category-open').click();
    await page.getByTestId('portal-category-02').click();
    await page.getByTestId('portal-category-0201').click();
    await expect(page.getByTestId('portal-category-picked')).toHaveText('市容环境 / 环境卫生');
    await page.getByTestId('portal-content').fill('东湖小区3号楼门前的垃圾已经三天没有清运，气味很大。');
    await page
      .getByTestId('portal-photo-input')
      .setInputFiles({ name: 'rubbish.png', mimeType: 'image/png', buffer: makePhoto() });
    await expect(page.getByTestId('portal-photo')).toHaveAttribute('data-status', 'done');
    await page.getByTestId('portal-address').fill('东湖小区3号楼门前');
    await expectNoHorizontalScroll(page);
    await shot(page, 'portal-new');

    await page.getByTestId('portal-submit').click();
    await expect(page.getByTestId('portal-submitted')).toBeVisible();
    const numberText = (await page.getByTestId('portal-submitted-number').textContent()) ?? '';
    const number = numberText.replace(/^.*[:：]\s*/, '').trim();
    expect(number).not.toBe('');
    await expectNoHorizontalScroll(page);
    await shot(page, 'portal-submitted');

    // 我的诉求: the new appeal, received.
    await page.getByTestId('portal-view-progress').click();
    await expect(page.getByTestId('portal-appeal')).toBeVisible(FIRST_RENDER);
    const appealId = page.url().split('/').pop()!;
    await page.goto('/portal');
    const card = page.locator(`[data-testid="portal-appeal-card"][data-number="${number}"]`);
    await expect(card.getByTestId('portal-status')).toHaveText('已受理', FIRST_RENDER);
    await expectNoHorizontalScroll(page);
    await shot(page, 'portal-list');

    // The centre dispatches it, the unit accepts, calls the resident and replies (through the API).
    const dispatcherContext = await playwright.request.newContext({ baseURL });
    const handlerContext = await playwright.request.newContext({ baseURL });
    try {
      const dispatcher = await signIn(dispatcherContext, 'dispatcher');
      const units = await dispatcher.get<{ items: { id: string; name: string }[] }>(
        `/api/v1/units?q=${encodeURIComponent('城市管理')}&limit=50`,
      );
      const unit = units.items.find((item) => item.name === '明德区城市管理综合执法局');
      expect(unit, 'the demo unit 明德区城市管理综合执法局 (the handler’s)').toBeDefined();
      await dispatcher.post(`/api/v1/appeals/${appealId}/dispatch`, { handlingUnitId: unit!.id });
      const handler = await signIn(handlerContext, 'handler');
      await handler.post(`/api/v1/appeals/${appealId}/accept`, {});
      await handler.post(`/api/v1/appeals/${appealId}/contact`, {
        method: 'phone',
        note: '已电话联系居民，约定当天处理。',
      });
      await handler.post(`/api/v1/appeals/${appealId}/reply`, {
        reply: '已安排环卫工人将垃圾清运完毕，并把该点位的清运频次调整为每日两次。',
      });
    } finally {
      await dispatcherContext.dispose();
      await handlerContext.dispose();
    }

    // The resident sees the answer and rates it.
    await page.reload();
    await expect(card.getByTestId('portal-status')).toHaveText('已答复，待评价', FIRST_RENDER);
    await card.click();
    await expect(page.getByTestId('portal-reply')).toContainText('已安排环卫工人', FIRST_RENDER);
    await expect(page.getByTestId('portal-appeal').getByTestId('portal-status')).toHaveText('已答复，待评价');
    await expect(page.getByTestId('portal-rate')).toBeVisible();
    await expect(page.getByTestId('portal-timeline')).toContainText('承办单位已答复');
    await page.getByTestId('review-resolved').getByText('已解决').click();
    await page.getByTestId('review-satisfaction').getByText('满意', { exact: true }).click();
    await page.getByTestId('review-contacted').getByText('是', { exact: true }).click();
    await page.getByTestId('review-comment').fill('处理很及时，谢谢！');
    await expectNoHorizontalScroll(page);
    await shot(page, 'portal-appeal-replied');

    await page.getByTestId('review-submit').click();
    await expect(page.getByTestId('portal-appeal').getByTestId('portal-status')).toHaveText('已办结');
    await expect(page.getByTestId('portal-rate')).toBeHidden();
    await expect(page.getByTestId('portal-rated')).toContainText('已解决，满意');
    await expectNoHorizontalScroll(page);
    await shot(page, 'portal-appeal-closed');

    await page.goto('/portal');
    await expect(card.getByTestId('portal-status')).toHaveText('已办结', FIRST_RENDER);
  });

  test('the review link page works without signing in', async ({ page }) => {
    // A link that is not (or no longer) valid says so, on the public page.
    await page.goto('/review/not-a-valid-review-token-000000');
    await expect(page.getByTestId('review-link-invalid')).toContainText('链接无效', FIRST_RENDER);
    await expect(page.getByTestId('app-header')).toHaveCount(0);

    // The real token exists only in the message sent to the appellant, and no API reads it back;
    // so the page is shown here with the server's answer stood in for.
    const token = 'e2e-review-token-0123456789abcdef';
    let submitted: unknown = null;
    await page.route(`**/api/v1/public/reviews/${token}`, async (route) => {
      const base = {
        number: '2026030200000042',
        excerpt: '东湖小区3号楼门前的垃圾已经三天没有清运，气味很大。',
        reply: '已安排环卫工人将垃圾清运完毕，并把该点位的清运频次调整为每日两次。',
        repliedAt: '2026-03-03T10:30:00+08:00',
      };
      if (route.request().method() === 'POST') {
        submitted = route.request().postDataJSON();
        await route.fulfill({ json: { ...base, appellantStatus: 'closed', open: false } });
      } else {
        await route.fulfill({ json: { ...base, appellantStatus: 'replied', open: true } });
      }
    });
    await page.goto(`/review/${token}`);
    await expect(page.getByTestId('review-link-reply')).toContainText('已安排环卫工人', FIRST_RENDER);
    await expect(page.getByTestId('review-contacted')).toHaveCount(0);
    await page.getByTestId('review-resolved').getByText('已解决').click();
    await page.getByTestId('review-satisfaction').getByText('基本满意').click();
    await expectNoHorizontalScroll(page);
    await shot(page, 'portal-review-link');
    await page.getByTestId('review-submit').click();
    await expect(page.getByTestId('review-link-thanks')).toContainText('感谢您的评价');
    expect(submitted).toEqual({ resolved: true, satisfaction: 'fair' });
  });
});

test('a grid worker reports a problem found on patrol', async ({ page }) => {
  await page.setViewportSize(PHONE);
  await login(page, 'gridWorker');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('home-patrol').click(FIRST_RENDER);
  await expect(page).toHaveURL(/\/patrol\/new$/);
  await expect(page.getByTestId('page-title')).toHaveText('巡查上报', FIRST_RENDER);
  await page.getByTestId('portal-type-report').click();
  await page.getByTestId('portal-content').fill('东湖小区南门有人占道经营，影响通行。');
  await page.getByTestId('portal-address').fill('东湖小区南门');
  await page.getByTestId('portal-submit').click();
  await expect(page.getByTestId('portal-submitted')).toContainText('诉求编号');
  await expectNoHorizontalScroll(page);
  await shot(page, 'portal-patrol-submitted');
});

test('an admin checks the sample 12345 export with a dry run', async ({ page }) => {
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  await page.goto('/appeal-imports');
  await expect(page.getByTestId('appeal-import-sample')).toHaveAttribute(
    'href',
    '/samples/appeals-12345-sample.csv',
    FIRST_RENDER,
  );
  // The web app serves a copy of the documented sample; the two must not drift apart.
  const sample = await page.request.get('/samples/appeals-12345-sample.csv');
  expect(sample.ok()).toBe(true);
  expect((await sample.body()).equals(readFileSync(SAMPLE_CSV))).toBe(true);

  await page.getByTestId('appeal-import-card').locator('input[type="file"]').setInputFiles(SAMPLE_CSV);
  await expect(page.getByTestId('appeal-import-file')).toHaveText('appeals-12345-sample.csv');
  await page.getByTestId('appeal-import-dry-run').click();
  const report = page.getByTestId('appeal-import-report');
  await expect(report).toBeVisible();
  await expect(report).toContainText('试导入');
  await expect(page.getByTestId('appeal-import-status')).toContainText(/检查通过|处错误/);
  await shot(page, 'appeal-import');

  // A row with an unknown type and no content: the report names the row and the column.
  const broken = Buffer.concat([
    readFileSync(SAMPLE_CSV),
    Buffer.from(
      '\r\n2025-03-09 09:00,吐槽,,,,,东湖小区,和平街道,东湖社区,和平街道办事处,已处理。,2025-03-10 10:00,是,是,满意\r\n',
    ),
  ]);
  await page
    .getByTestId('appeal-import-card')
    .locator('input[type="file"]')
    .setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: broken });
  await expect(page.getByTestId('appeal-import-file')).toHaveText('broken.csv');
  await page.getByTestId('appeal-import-dry-run').click();
  const errors = page.getByTestId('appeal-import-errors');
  await expect(errors).toContainText('诉求类型');
  await expect(errors).toContainText('诉求内容');
  await expect(page.getByTestId('appeal-import-status')).toContainText('未导入任何工单');
  await expect(page.getByTestId('appeal-import-apply')).toBeDisabled();
  await shot(page, 'appeal-import-errors');
});

test('an admin edits the category taxonomy', async ({ page }) => {
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  await page.goto('/categories');
  const table = page.getByTestId('categories-table');
  await expect(table).toContainText('城乡建设', FIRST_RENDER);
  await expect(table).toContainText('环境卫生');

  // Give 户外广告 (0203) the 15-day tier, deactivate it, and check the intake picker leaves it out.
  await pickOption(
    page,
    page.getByTestId('category-tier-0203'),
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: '15d' }),
    '15d',
  );
  await expect(page.locator('.ant-message')).toContainText('已保存 0203');
  await page.getByTestId('category-active-0203').click();
  await expect(page.locator('.ant-message')).toContainText('已停用 0203');
  const usable = await page.request.get('/api/v1/categories?activeOnly=true');
  const codes = ((await usable.json()) as { items: { code: string }[] }).items.map((c) => c.code);
  expect(codes).not.toContain('0203');
  expect(codes).toContain('0201');
  await shot(page, 'categories');

  // Leave the demo data as it was.
  await page.getByTestId('category-active-0203').click();
  await expect(page.locator('.ant-message')).toContainText('已启用 0203');
  await pickOption(
    page,
    page.getByTestId('category-tier-0203'),
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: '沿用上级' }),
    '沿用上级',
  );
  await expect
    .poll(async () => {
      const all = (await (await page.request.get('/api/v1/categories')).json()) as {
        items: { code: string; active: boolean; slaTier: string | null }[];
      };
      return all.items.find((c) => c.code === '0203');
    })
    .toMatchObject({ active: true, slaTier: null });
});
