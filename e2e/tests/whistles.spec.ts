import type { Browser, BrowserContext, Locator, Page, Response } from '@playwright/test';
import { expect, test } from './fixtures';
import { login, pickOption, saveScreenshot, switchLocale } from './helpers';

/** Console errors that are expected: the browser logs every 4xx answer (an out-of-scope whistle's 404). */
const EXPECTED_CONSOLE_ERRORS = [/Failed to load resource: the server responded with a status of 4\d\d/];

const CGZF = '明德区城市管理综合执法局';
const ZJW = '明德区住房和城乡建设委员会';

interface WhistleSummons {
  id: string;
  unit: { id: string; name: string };
  role: 'lead' | 'assisting';
  state: string;
  late: boolean;
  checkedInAt: string | null;
}
interface Whistle {
  id: string;
  number: string;
  state: string;
  summons: WhistleSummons[];
}
interface WhistleListItem {
  id: string;
  number: string;
  mySummons: WhistleSummons | null;
}

/**
 * A signed-in page in its own browser context (its own session), failing the test on uncaught errors
 * and unexpected console errors, as the `page` fixture does.
 */
async function signedIn(
  browser: Browser,
  username: string,
  problems: string[],
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${username} uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (!EXPECTED_CONSOLE_ERRORS.some((pattern) => pattern.test(text))) {
      problems.push(`${username} console: ${text}`);
    }
  });
  await login(page, username);
  await switchLocale(page, 'zh-CN');
  return { context, page };
}

/** A moment as the wall-clock time the browser shows (Asia/Shanghai, UTC+8), as the pickers read it. */
function shanghaiTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}

/** Waits for the POST whose path ends with `suffix` and returns its answer. */
function posted(page: Page, suffix: string): Promise<Response> {
  return page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith(suffix),
  );
}

/**
 * Opens a page and waits for it to be drawn (its test id). A full load fetches the app and the page's
 * chunk again, which on a busy machine takes longer than one assertion's usual wait.
 */
async function visit(page: Page, url: string, testId: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId(testId)).toBeVisible({ timeout: 30_000 });
}

/** Waits until the whistle page shows the state. */
async function expectState(page: Page, state: string): Promise<void> {
  await expect(page.getByTestId('whistle-page')).toHaveAttribute('data-state', state);
}

/** Opens an action's dialog from the whistle's action panel and returns the dialog. */
async function openAction(page: Page, action: string, title: string): Promise<Locator> {
  await page.getByTestId('whistle-actions').getByTestId(`whistle-action-${action}`).click();
  const modal = page.locator('.ant-modal').filter({ hasText: title });
  await expect(modal).toBeVisible();
  return modal;
}

/** Submits the open action dialog and waits for the server's answer (200) to the action. */
async function submitAction(page: Page, modal: Locator, segment: string): Promise<Whistle> {
  const answered = posted(page, `/${segment}`);
  await modal.getByTestId('whistle-action-submit').click();
  const response = await answered;
  expect(response.status()).toBe(200);
  await expect(modal).toBeHidden();
  return (await response.json()) as Whistle;
}

/** Picks a unit in a (multiple) unit select by typing part of its name. */
async function pickUnit(page: Page, select: Locator, search: string, name: string): Promise<void> {
  await select.click();
  await page.keyboard.type(search);
  await pickOption(
    page,
    select,
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: name }),
    name,
  );
  await page.keyboard.press('Escape');
}

/** The input element of a date picker (the test id may sit on the input or on its wrapper). */
function pickerInput(picker: Locator): Locator {
  return picker.locator('xpath=descendant-or-self::input').first();
}

test('a street whistles from an appeal; the lead checks in, the other department late; the lead closes, the street confirms', async ({
  browser,
}) => {
  // The check-in minute has to pass; four people sign in on a shared machine.
  test.setTimeout(420_000);
  const problems: string[] = [];
  const suffix = Date.now().toString(36).slice(-4);

  // ---- The dispatcher of 和平街道 opens a demo appeal: night work on a building site. ----
  const dispatcher = await signedIn(browser, 'dispatcher', problems);
  const d = dispatcher.page;
  await expect(d.getByTestId('nav-whistleBoard')).toHaveText('吹哨调度');
  await visit(d, `/appeals?queue=all&q=${encodeURIComponent('夜间十一点后仍在施工')}`, 'appeal-table');
  await d.getByTestId('appeal-row').filter({ hasText: '西苑小区旁工地' }).first().click();
  await expect(d).toHaveURL(/\/appeals\/[^/]+$/);
  const appealNumber = (await d.getByTestId('appeal-page-number').textContent())?.trim() ?? '';
  expect(appealNumber).not.toBe('');
  await expect(d.getByTestId('appeal-whistles')).toBeVisible();

  // ---- It blows a whistle: 城管 leads, 住建委 assists, both to check in within a minute. ----
  await d.getByTestId('appeal-blow-whistle').click();
  const blow = d.locator('.ant-modal').filter({ hasText: `就诉求 ${appealNumber} 吹哨` });
  await expect(blow).toBeVisible();
  await expect(blow.getByTestId('blow-appeal-place')).toContainText('西苑');
  // Prefilled from the appeal.
  await expect(blow.getByTestId('blow-title')).toHaveValue(/西苑小区旁工地/);
  await expect(blow.getByTestId('blow-reason')).toHaveValue(/夜间十一点后仍在施工/);
  // The default check-in limit of the urgency is shown.
  await expect(blow.getByTestId('blow-check-in-default')).toContainText('24 小时');
  const title = `西苑小区工地夜间施工扰民（${suffix}）`;
  await blow.getByTestId('blow-title').fill(title);
  await pickUnit(d, blow.getByTestId('blow-units'), '明德区城市管理', CGZF);
  await pickUnit(d, blow.getByTestId('blow-units'), '明德区住房和城乡', ZJW);
  // The first unit picked leads.
  await expect(blow.getByTestId('blow-lead')).toContainText(CGZF);
  const checkInBy = Math.floor((Date.now() + 60_000) / 1000) * 1000;
  const checkInInput = pickerInput(blow.getByTestId('blow-check-in'));
  await checkInInput.click();
  await checkInInput.fill(shanghaiTime(checkInBy));
  await checkInInput.press('Enter');
  await expect(checkInInput).toHaveValue(shanghaiTime(checkInBy));
  await blow.getByTestId('blow-meeting-place').fill('西苑小区南门工地入口');
  await saveScreenshot(d, 'whistles-blow-form', { fullPage: false });
  const created = posted(d, '/api/v1/whistles');
  await blow.getByTestId('blow-submit').click();
  const createdResponse = await created;
  expect(createdResponse.status()).toBe(201);
  const whistle = (await createdResponse.json()) as Whistle;
  expect(whistle.summons.map((s) => [s.unit.name, s.role]).sort()).toEqual(
    [
      [CGZF, 'lead'],
      [ZJW, 'assisting'],
    ].sort(),
  );
  await expect(d).toHaveURL(new RegExp(`/whistles/${whistle.id}$`));
  await expectState(d, 'summoning');
  await expect(d.getByTestId('whistle-heading')).toHaveText(title);
  const summonsRow = (page: Page, unit: string) =>
    page.getByTestId('summons-table').locator(`tr[data-unit="${unit}"]`);
  await expect(summonsRow(d, CGZF)).toHaveAttribute('data-status', 'waiting');
  await expect(summonsRow(d, ZJW)).toHaveAttribute('data-status', 'waiting');

  // ---- 城管's handler hears of it from the bell and checks in at once from the inbox. ----
  const handler = await signedIn(browser, 'handler', problems);
  const h = handler.page;
  await h.getByTestId('notification-bell').click();
  const note = h.getByTestId('notification-item').filter({ hasText: whistle.number }).first();
  await expect(note).toHaveAttribute('data-kind', 'summoned');
  await expect(note).toContainText('吹哨召集');
  await note.click();
  await expect(h).toHaveURL(new RegExp(`/whistles/${whistle.id}$`));
  await expect(h.getByTestId('whistle-must-check-in')).toBeVisible();

  await h.getByTestId('nav-whistleInbox').click();
  await expect(h).toHaveURL(/\/whistle-inbox$/);
  const handlerItem = h.locator(`[data-testid="inbox-item"][data-number="${whistle.number}"]`);
  await expect(handlerItem).toHaveAttribute('data-status', 'waiting');
  await expect(handlerItem.getByTestId('check-in-name')).toHaveValue('钱承办');
  await handlerItem.getByTestId('check-in-phone').fill('13900000401');
  const onTime = posted(h, `/whistles/${whistle.id}/check-in`);
  await handlerItem.getByTestId('check-in-submit').click();
  const onTimeAnswer = (await (await onTime).json()) as Whistle;
  expect(onTimeAnswer.state).toBe('handling');
  expect(onTimeAnswer.summons.find((s) => s.unit.name === CGZF)).toMatchObject({ late: false });
  // Checked in: it leaves the list of those to check in, and shows under the open ones.
  await expect(handlerItem).toHaveCount(0);
  await h.getByTestId('inbox-tab-open').click();
  await expect(handlerItem).toHaveAttribute('data-status', 'checkedIn');
  await expect(handlerItem.getByTestId('inbox-checked-in')).toContainText('钱承办');

  // ---- From scratch: the dispatcher whistles for 住建委 alone (a patrol finding), urgent. ----
  await d.getByTestId('nav-whistleBoard').click();
  await expect(d).toHaveURL(/\/whistles$/);
  await d.getByTestId('whistle-blow-open').click();
  const scratch = d.locator('.ant-modal').filter({ hasText: '发起吹哨' });
  await expect(scratch).toBeVisible();
  const territory = scratch.getByTestId('blow-territory');
  await territory.click();
  await d.keyboard.type('东湖社区第1网格');
  await pickOption(
    d,
    territory,
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: '东湖社区第1网格' }),
    '东湖社区第1网格',
  );
  await scratch.getByTestId('blow-address').fill('东湖小区3号楼');
  await scratch.getByTestId('blow-title').fill(`东湖小区改造工程停工（${suffix}）`);
  await scratch
    .getByTestId('blow-reason')
    .fill('巡查发现东湖小区老旧小区改造工程停工半月，脚手架未拆除，影响居民出行，需住建部门到场协调。');
  await scratch.getByTestId('blow-urgency-urgent').click();
  await expect(scratch.getByTestId('blow-check-in-default')).toContainText('30 分钟');
  await pickUnit(d, scratch.getByTestId('blow-units'), '明德区住房和城乡', ZJW);
  const scratchCreated = posted(d, '/api/v1/whistles');
  await scratch.getByTestId('blow-submit').click();
  const scratchResponse = await scratchCreated;
  expect(scratchResponse.status()).toBe(201);
  const other = (await scratchResponse.json()) as Whistle;
  await expect(d).toHaveURL(new RegExp(`/whistles/${other.id}$`));
  await expect(d.getByTestId('whistle-title').getByTestId('whistle-urgency')).toHaveText('紧急');
  // It is escalated from the street to the district: the ladder shows the step.
  await expect(d.locator('[data-testid="ladder-step"][data-level="street"]')).toHaveAttribute(
    'data-status',
    'process',
  );
  const escalate = await openAction(d, 'escalate', '上报上一级');
  await expect(escalate.getByTestId('whistle-escalate-to')).toHaveText('由街道级上报到区级');
  await escalate
    .getByTestId('whistle-action-reason')
    .fill('涉及区级改造项目的资金和施工单位调度，需区级统筹。');
  await submitAction(d, escalate, 'escalate');
  await expect(d.locator('[data-testid="ladder-step"][data-level="district"]')).toHaveAttribute(
    'data-status',
    'process',
  );
  await expect(d.locator('[data-testid="ladder-step"][data-level="street"]')).toHaveAttribute(
    'data-status',
    'finish',
  );
  await expect(d.getByTestId('whistle-ladder')).toContainText('涉及区级改造项目');

  // ---- Access is scoped: 城管 sees only the whistles summoning 城管. ----
  const handlerInbox = (await (
    await h.request.get('/api/v1/whistles?view=inbox&open=false&limit=200')
  ).json()) as { items: WhistleListItem[] };
  expect(handlerInbox.items.map((item) => item.id)).toContain(whistle.id);
  expect(handlerInbox.items.map((item) => item.id)).not.toContain(other.id);
  for (const item of handlerInbox.items) expect(item.mySummons?.unit.name).toBe(CGZF);
  expect((await h.request.get(`/api/v1/whistles/${other.id}`)).status()).toBe(404);
  await visit(h, '/whistle-inbox?tab=all', 'whistle-inbox-page');
  await expect(h.locator(`[data-testid="inbox-item"][data-number="${whistle.number}"]`)).toBeVisible();
  await expect(h.locator(`[data-testid="inbox-item"][data-number="${other.number}"]`)).toHaveCount(0);

  // ---- The minute passes; the board shows 住建委 has not checked in. ----
  const wait = checkInBy - Date.now() + 3_000;
  if (wait > 0) await d.waitForTimeout(wait);
  await visit(d, '/whistles', 'whistle-board');
  const card = d.locator(`[data-testid="whistle-card"][data-number="${whistle.number}"]`);
  await expect(card.locator(`[data-testid="summons-chip"][data-unit="${CGZF}"]`)).toHaveAttribute(
    'data-status',
    'checkedIn',
  );
  await expect(card.locator(`[data-testid="summons-chip"][data-unit="${ZJW}"]`)).toHaveAttribute(
    'data-status',
    'overdue',
  );
  await expect(card.getByTestId('count-missing')).toHaveText('未报到 1');
  await saveScreenshot(d, 'whistles-board');

  // ---- 住建委's handler checks in late, then reports its part. ----
  const housing = await signedIn(browser, 'housingHandler', problems);
  const z = housing.page;
  await z.getByTestId('nav-whistleInbox').click();
  const housingItem = z.locator(`[data-testid="inbox-item"][data-number="${whistle.number}"]`);
  await expect(housingItem).toHaveAttribute('data-status', 'overdue');
  await expect(z.locator(`[data-testid="inbox-item"][data-number="${other.number}"]`)).toBeVisible();
  await expect(z.getByTestId('inbox-due-count')).not.toHaveText('0');
  await saveScreenshot(z, 'whistles-inbox');
  await housingItem.getByTestId('check-in-phone').fill('13900000402');
  const late = posted(z, `/whistles/${whistle.id}/check-in`);
  await housingItem.getByTestId('check-in-submit').click();
  const lateAnswer = (await (await late).json()) as Whistle;
  expect(lateAnswer.summons.find((s) => s.unit.name === ZJW)).toMatchObject({ late: true });
  await visit(z, '/whistle-inbox?tab=open', 'inbox-list');
  await expect(housingItem).toHaveAttribute('data-status', 'late');
  await expect(housingItem.getByTestId('inbox-part-due')).toBeVisible();
  await housingItem.getByTestId('inbox-open').click();
  await expect(z).toHaveURL(new RegExp(`/whistles/${whistle.id}$`));
  const part = await openAction(z, 'reportPart', '报送分工情况');
  await part
    .getByTestId('whistle-action-part')
    .fill('已核查该工地夜间施工许可：未办理夜间施工证明，责令施工单位停止夜间作业并整改。');
  await submitAction(z, part, 'parts');
  await expect(summonsRow(z, ZJW)).toHaveAttribute('data-state', 'partReported');
  await expect(summonsRow(z, ZJW).getByTestId('summons-part')).toContainText('未办理夜间施工证明');

  // The street hears of the late check-in from its bell.
  await d.getByTestId('notification-bell').click();
  const lateNote = d
    .locator('[data-testid="notification-item"][data-kind="checkedIn"]')
    .filter({ hasText: whistle.number })
    .filter({ hasText: ZJW });
  await expect(lateNote.first()).toContainText('迟到报到');
  await d.getByTestId('notification-bell').click();

  // ---- 城管 (the lead) reports the result. ----
  await visit(h, `/whistles/${whistle.id}`, 'whistle-page');
  await expectState(h, 'handling');
  const result = await openAction(h, 'reportResult', '报送办理结果');
  await result
    .getByTestId('whistle-action-result')
    .fill('联合住建委现场执法：工地已停止夜间施工，对施工单位立案处罚，并安排夜间巡查一周。');
  await submitAction(h, result, 'result');
  await expectState(h, 'resultReported');

  // ---- The street confirms: closed. ----
  await visit(d, `/whistles/${whistle.id}`, 'whistle-page');
  await expectState(d, 'resultReported');
  const confirm = await openAction(d, 'confirm', '确认办结');
  await submitAction(d, confirm, 'confirm');
  await expectState(d, 'closed');
  await expect(d.getByTestId('whistle-result')).toContainText('工地已停止夜间施工');
  await expect(summonsRow(d, CGZF)).toHaveAttribute('data-status', 'checkedIn');
  await expect(summonsRow(d, ZJW)).toHaveAttribute('data-status', 'late');
  const timeline = d.getByTestId('whistle-timeline');
  for (const type of ['blown', 'checkIn', 'reportPart', 'reportResult', 'confirm']) {
    await expect(
      timeline.locator(`[data-testid="whistle-event"][data-type="${type}"]`).first(),
    ).toBeVisible();
  }
  await expect(timeline.locator('[data-testid="whistle-event"][data-type="checkIn"]')).toHaveCount(2);
  await expect(timeline.getByTestId('event-late')).toHaveCount(1);
  // The ladder: started at the street, grid and community not passed, the district not reached.
  await expect(d.locator('[data-testid="ladder-step"][data-level="street"]')).toHaveAttribute(
    'data-status',
    'process',
  );
  await expect(d.locator('[data-testid="ladder-step"][data-level="district"]')).toHaveAttribute(
    'data-status',
    'wait',
  );
  await saveScreenshot(d, 'whistles-matter');

  // ---- The board (all whistles) shows who was late. ----
  await visit(d, '/whistles?filter=all', 'whistle-board');
  const closedCard = d.locator(`[data-testid="whistle-card"][data-number="${whistle.number}"]`);
  await expect(closedCard).toHaveAttribute('data-state', 'closed');
  await expect(closedCard.locator(`[data-testid="summons-chip"][data-unit="${ZJW}"]`)).toHaveAttribute(
    'data-status',
    'late',
  );
  await expect(closedCard.getByTestId('count-late')).toHaveText('迟到 1');
  await saveScreenshot(d, 'whistles-board-all');

  // ---- The appeal lists its whistle. ----
  await visit(d, `/whistles/${whistle.id}`, 'whistle-page');
  await d.getByTestId('whistle-appeal-link').click();
  await expect(d.getByTestId('appeal-whistles').locator(`[data-number="${whistle.number}"]`)).toContainText(
    '已办结',
  );

  // ---- 住建委's inbox on a phone. ----
  const phone = await signedIn(browser, 'housingHandler', problems, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  await visit(phone.page, '/whistle-inbox', 'inbox-list');
  await expect(
    phone.page.locator(`[data-testid="inbox-item"][data-number="${other.number}"]`),
  ).toHaveAttribute('data-status', 'waiting');
  const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await saveScreenshot(phone.page, 'whistles-inbox-mobile');

  for (const context of [dispatcher, handler, housing, phone]) await context.context.close();
  expect(problems).toEqual([]);
});

test('an administrator sets the check-in limit of urgent whistles, and the blow form shows it', async ({
  page,
}) => {
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('nav-whistleBoard').click();
  await expect(page).toHaveURL(/\/whistles$/);

  const setUrgentLimit = async (minutes: number, shown: string) => {
    await page.getByTestId('whistle-limits-open').click();
    const modal = page.locator('.ant-modal').filter({ hasText: '报到时限设置' });
    await expect(modal).toBeVisible();
    const urgent = modal.getByTestId('limits-urgent');
    await urgent.fill(String(minutes));
    await expect(modal).toContainText(`即 ${shown}`);
    const saved = page.waitForResponse(
      (response) =>
        response.request().method() === 'PUT' &&
        new URL(response.url()).pathname === '/api/v1/whistles/check-in-limits',
    );
    await modal.getByTestId('limits-save').click();
    expect((await saved).status()).toBe(200);
    await expect(modal).toBeHidden();
  };

  await page.getByTestId('whistle-limits-open').click();
  const modal = page.locator('.ant-modal').filter({ hasText: '报到时限设置' });
  await expect(modal.getByTestId('limits-normal')).toHaveValue('1440');
  await expect(modal.getByTestId('limits-urgent')).toHaveValue('30');
  await expect(modal).toContainText('即 24 小时');
  await saveScreenshot(page, 'whistles-limits', { fullPage: false });
  await modal.getByRole('button', { name: '取消' }).click();
  await expect(modal).toBeHidden();

  await setUrgentLimit(45, '45 分钟');
  // The blow form now offers 45 minutes for an urgent whistle.
  await page.getByTestId('whistle-blow-open').click();
  const blow = page.locator('.ant-modal').filter({ hasText: '发起吹哨' });
  await blow.getByTestId('blow-urgency-urgent').click();
  await expect(blow.getByTestId('blow-check-in-default')).toContainText('45 分钟');
  await page.keyboard.press('Escape');
  await expect(blow).toBeHidden();

  // Back to the reference value.
  await setUrgentLimit(30, '30 分钟');
});
