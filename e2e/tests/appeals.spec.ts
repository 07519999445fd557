import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { login, pickOption, saveScreenshot, switchLocale } from './helpers';

/** Console errors that are expected: the browser logs every 4xx answer (a stale page's 409, …). */
const EXPECTED_CONSOLE_ERRORS = [/Failed to load resource: the server responded with a status of 4\d\d/];

/**
 * A signed-in page in its own browser context (its own session), failing the test on uncaught errors
 * and unexpected console errors, as the `page` fixture does.
 */
async function signedIn(
  browser: Browser,
  username: string,
  problems: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
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

/** Waits until the appeal page shows the internal state (data-state and the tag). */
async function expectState(page: Page, state: string, label: string): Promise<void> {
  await expect(page.getByTestId('appeal-page')).toHaveAttribute('data-state', state);
  await expect(page.getByTestId('appeal-title').getByTestId('appeal-state')).toHaveText(label);
}

/** Opens an action's dialog from the action panel and returns the dialog. */
async function openAction(page: Page, action: string, title: string): Promise<Locator> {
  await page.getByTestId('appeal-actions').getByTestId(`action-${action}`).click();
  const modal = page.locator('.ant-modal').filter({ hasText: title });
  await expect(modal).toBeVisible();
  return modal;
}

/** Submits the open action dialog and waits for the server's answer to the action. */
async function submitAction(page: Page, modal: Locator, segment: string): Promise<void> {
  const answered = page.waitForResponse(
    (response) =>
      response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith(`/${segment}`),
  );
  await modal.getByTestId('action-submit').click();
  expect((await answered).status()).toBe(200);
  await expect(modal).toBeHidden();
}

test('an appeal from the hotline to its close: intake, dispatch, handling, review, second round', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  const problems: string[] = [];
  const suffix = Date.now().toString(36).slice(-4);
  const phone = `1390013${String(Date.now() % 10_000).padStart(4, '0')}`;
  const content = `东湖小区1号楼门口的垃圾桶已经三天没有清运，气味很大，请尽快处理（${suffix}）。`;

  // ---- The operator records the call (keyboard first). ----
  await login(page, 'operator');
  await switchLocale(page, 'zh-CN');
  await page.getByTestId('nav-appealIntake').click();
  await expect(page).toHaveURL(/\/intake$/);
  const phoneInput = page.getByTestId('intake-phone');
  await expect(phoneInput).toBeFocused();
  await phoneInput.fill(phone);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('intake-name')).toBeFocused();
  await page.keyboard.type('王先生');
  // The type is picked with the keys 1–5 once the focus is in the type group.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('intake-confidential')).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('1');
  await expect(page.getByTestId('intake-type').locator('.ant-radio-button-wrapper-checked')).toContainText(
    '咨询',
  );
  await expect(page.getByTestId('intake-answer-now')).toBeVisible();
  await page.keyboard.press('3');
  await expect(page.getByTestId('intake-type').locator('.ant-radio-button-wrapper-checked')).toContainText(
    '投诉',
  );
  await expect(page.getByTestId('intake-answer-now')).toBeHidden();
  // The earlier appeals of this number (none: a new caller).
  await expect(page.getByTestId('intake-history')).toContainText('该号码没有历史诉求');

  // The category from the three-level taxonomy, by searching.
  await page.getByTestId('intake-category').click();
  await page.keyboard.type('垃圾清运');
  const categoryOption = page.locator('.ant-cascader-dropdown:visible .ant-cascader-menu-item').filter({
    hasText: '垃圾清运',
  });
  await expect(categoryOption.first()).toBeVisible();
  await categoryOption.first().click();
  await expect(page.getByTestId('intake-category')).toContainText('垃圾清运');

  await page.getByTestId('intake-content').fill(content);
  // The address is located by the gazetteer: 东湖小区 lies in 和平街道, 东湖社区.
  await page.getByTestId('intake-address').fill('东湖小区1号楼');
  await page.getByTestId('intake-address').press('Enter');
  await expect(page.getByTestId('intake-place')).toContainText('和平街道');
  await expect(page.getByTestId('intake-place')).toContainText('东湖社区第1网格');
  await expect(page.getByTestId('intake-duplicates')).toBeVisible();
  // The address field scrolled the page: back to the top, or the sticky header lands mid-picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await saveScreenshot(page, 'appeals-intake');

  // Ctrl+Enter submits, with an Idempotency-Key.
  const createdResponse = page.waitForResponse(
    (response) =>
      response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/v1/appeals',
  );
  await page.getByTestId('intake-content').press('Control+Enter');
  const created = await createdResponse;
  expect(created.status()).toBe(201);
  expect(created.request().headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  const appeal = (await created.json()) as { id: string; number: string };
  await expect(page.getByTestId('intake-created-number')).toHaveText(appeal.number);
  await page.getByTestId('intake-open-appeal').click();
  await expect(page).toHaveURL(new RegExp(`/appeals/${appeal.id}$`));
  await expectState(page, 'received', '已受理');
  await expect(page.getByTestId('appeal-content')).toContainText(content);
  await expect(page.getByTestId('appeal-territory')).toHaveText('东湖社区第1网格');
  // The operator sees the masked number and may read it in full, giving a reason (logged).
  await expect(page.getByTestId('appellant-phone')).toHaveText(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
  await page.getByTestId('reveal-appellant').click();
  await page.getByTestId('reveal-reason').fill('核实来电人信息');
  await page.getByTestId('reveal-confirm').click();
  await expect(page.getByTestId('appellant-phone')).toHaveText(phone);

  // ---- The dispatcher of 和平街道 dispatches it from the queue. ----
  const dispatcher = await signedIn(browser, 'dispatcher', problems);
  await dispatcher.page.getByTestId('nav-appeals').click();
  await expect(dispatcher.page.getByTestId('appeal-queues').locator('.ant-tabs-tab-active')).toContainText(
    '待派单',
  );
  const queueRow = dispatcher.page.getByTestId('appeal-table').locator(`tr[data-number="${appeal.number}"]`);
  await expect(queueRow).toBeVisible();
  await expect(queueRow).toContainText('投诉');
  await expect(queueRow).toContainText('垃圾清运');
  await expect(queueRow).toContainText('东湖社区第1网格');
  await expect(dispatcher.page.getByTestId('queue-count-toDispatch')).not.toHaveText('0');
  await saveScreenshot(dispatcher.page, 'appeals-queue');
  await queueRow.click();
  await expect(dispatcher.page).toHaveURL(new RegExp(`/appeals/${appeal.id}$`));
  await expectState(dispatcher.page, 'received', '已受理');
  // A dispatcher sees the masked number (a full read would need a logged reveal).
  await expect(dispatcher.page.getByTestId('appellant-phone')).toContainText('****');
  await expect(dispatcher.page.getByTestId('similar-appeals')).toBeVisible();

  const dispatch = await openAction(dispatcher.page, 'dispatch', '派单');
  // The catalogue suggests the street office (和平街道 handles 市容环境 itself) and says why.
  await expect(dispatch.getByTestId('dispatch-suggestion-unit')).toHaveText('和平街道办事处');
  await expect(dispatch.getByTestId('dispatch-explanation')).not.toBeEmpty();
  await expect(dispatch.getByTestId('dispatch-lead-unit')).toContainText('和平街道办事处');
  // The dispatcher changes the lead unit to the district's city-management department (searched by name).
  const leadUnit = dispatch.getByTestId('dispatch-lead-unit');
  await leadUnit.click();
  await dispatcher.page.keyboard.type('城市管理');
  await pickOption(
    dispatcher.page,
    leadUnit,
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: '明德区城市管理综合执法局' }),
    '明德区城市管理综合执法局',
  );
  // Close the dropdown (a click on the dialog's title) so the screenshot shows the whole form.
  await dispatch.locator('.ant-modal-title').click();
  await expect(dispatcher.page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await saveScreenshot(dispatcher.page, 'appeals-dispatch', { fullPage: false });
  await submitAction(dispatcher.page, dispatch, 'dispatch');
  await expectState(dispatcher.page, 'dispatched', '已派单');
  await expect(
    dispatcher.page.getByTestId('appeal-assignments').locator('[data-role="lead"][data-active="true"]'),
  ).toContainText('明德区城市管理综合执法局');

  // ---- The handler of 明德区城管执法局 hears of it, accepts, contacts, replies. ----
  const handler = await signedIn(browser, 'handler', problems);
  const bell = handler.page.getByTestId('notification-bell');
  await expect(bell.locator('.ant-badge-count')).toBeVisible();
  await bell.click();
  const notification = handler.page
    .getByTestId('notification-item')
    .filter({ hasText: appeal.number })
    .filter({ hasText: '新派单' });
  await expect(notification).toBeVisible();
  await expect(notification).toHaveAttribute('data-read', 'false');
  await saveScreenshot(handler.page, 'appeals-notifications', { fullPage: false });
  await notification.click();
  await expect(handler.page).toHaveURL(new RegExp(`/appeals/${appeal.id}$`));
  await expectState(handler.page, 'dispatched', '已派单');
  // Only what the server allows: a handler cannot dispatch or review.
  await expect(handler.page.getByTestId('action-dispatch')).toHaveCount(0);
  await expect(handler.page.getByTestId('action-review')).toHaveCount(0);

  await submitAction(handler.page, await openAction(handler.page, 'accept', '签收'), 'accept');
  await expectState(handler.page, 'accepted', '已签收');
  const contact = await openAction(handler.page, 'contact', '记录联系');
  await contact.getByTestId('action-note').fill('已电话联系诉求人，约定今日清运。');
  await submitAction(handler.page, contact, 'contact');
  await expectState(handler.page, 'inProgress', '办理中');
  const reply = await openAction(handler.page, 'reply', '答复');
  await reply.getByTestId('action-reply').fill('已安排环卫车辆清运垃圾，并对垃圾桶周边进行了清洗消杀。');
  await submitAction(handler.page, reply, 'reply');
  await expectState(handler.page, 'replied', '已答复');
  await expect(handler.page.getByTestId('appeal-reply')).toContainText('已安排环卫车辆清运垃圾');

  // ---- The operator calls back: not satisfied, so the appeal is handled again. ----
  await page.getByTestId('nav-appeals').click();
  await expect(page.getByTestId('appeal-queues').locator('.ant-tabs-tab-active')).toContainText('待回访');
  await page.getByTestId('appeal-table').locator(`tr[data-number="${appeal.number}"]`).click();
  await expectState(page, 'replied', '已答复');
  const firstReview = await openAction(page, 'review', '回访');
  await firstReview.getByTestId('action-resolved').click();
  await firstReview.getByTestId('satisfaction-dissatisfied').click();
  await firstReview.getByTestId('action-comment').fill('垃圾桶周边仍有异味。');
  await submitAction(page, firstReview, 'review');
  await expectState(page, 'accepted', '已签收');
  await expect(page.getByTestId('appeal-round')).toHaveText('第 2 轮');
  await expect(page.getByTestId('timeline-round')).toHaveCount(2);
  await expect(page.locator('[data-testid="timeline-event"][data-type="reopen"]')).toBeVisible();

  // ---- The handler's page is stale: acting on it answers a version conflict and reloads it. ----
  const staleNote = await openAction(handler.page, 'addNote', '内部备注');
  await staleNote.getByTestId('action-note').fill('二次办理前的备注');
  await staleNote.getByTestId('action-submit').click();
  await expect(handler.page.locator('.ant-message')).toContainText('他人刚刚处理了该诉求');
  await expectState(handler.page, 'accepted', '已签收');
  await expect(handler.page.getByTestId('appeal-round')).toHaveText('第 2 轮');

  // An internal note, marked 内部 in the history.
  const note = await openAction(handler.page, 'addNote', '内部备注');
  await note.getByTestId('action-note').fill('已协调环卫所增加清洗频次。');
  await submitAction(handler.page, note, 'notes');
  await expect(
    handler.page.locator('[data-testid="timeline-event"][data-type="addNote"]').getByTestId('event-internal'),
  ).toHaveText('内部');

  const contactAgain = await openAction(handler.page, 'contact', '记录联系');
  await contactAgain.getByTestId('action-note').fill('再次上门查看并与诉求人沟通。');
  await submitAction(handler.page, contactAgain, 'contact');
  await expectState(handler.page, 'inProgress', '办理中');
  const replyAgain = await openAction(handler.page, 'reply', '答复');
  await replyAgain.getByTestId('action-reply').fill('已更换新垃圾桶并每日清洗两次，异味已消除。');
  await submitAction(handler.page, replyAgain, 'reply');
  await expectState(handler.page, 'replied', '已答复');

  // ---- The operator calls back again: resolved and satisfied, the appeal is closed. ----
  await page.reload();
  await expectState(page, 'replied', '已答复');
  const secondReview = await openAction(page, 'review', '回访');
  await secondReview.getByTestId('satisfaction-satisfied').click();
  await submitAction(page, secondReview, 'review');
  await expectState(page, 'closed', '已办结');
  await expect(page.getByTestId('appellant-status')).toHaveText('已办结');
  await expect(page.getByTestId('appeal-close-kind')).toHaveText('回访后办结');
  await expect(page.getByTestId('no-actions')).toBeVisible();

  // The history has both rounds, each with its contact, reply and review.
  const timeline = page.getByTestId('appeal-timeline');
  await expect(timeline.getByTestId('timeline-round')).toHaveCount(2);
  const round1 = timeline.locator('[data-testid="timeline-round"][data-round="1"]');
  const round2 = timeline.locator('[data-testid="timeline-round"][data-round="2"]');
  await expect(round1).toContainText('第 1 轮办理');
  await expect(round2).toContainText('第 2 轮办理');
  for (const type of ['received', 'dispatch', 'accept', 'contact', 'reply', 'review']) {
    await expect(round1.locator(`[data-testid="timeline-event"][data-type="${type}"]`).first()).toBeVisible();
  }
  for (const type of ['reopen', 'addNote', 'contact', 'reply', 'review']) {
    await expect(round2.locator(`[data-testid="timeline-event"][data-type="${type}"]`).first()).toBeVisible();
  }
  await expect(round1.locator('[data-testid="timeline-event"][data-type="review"]')).toContainText('不满意');
  await expect(round2.locator('[data-testid="timeline-event"][data-type="review"]')).toContainText('满意');
  await saveScreenshot(page, 'appeals-appeal-timeline');

  // The closed appeal is in the closed queue, not in the review queue.
  await page.getByTestId('nav-appeals').click();
  await expect(page.getByTestId('appeal-table').locator(`tr[data-number="${appeal.number}"]`)).toHaveCount(0);
  await page.getByTestId('queue-closed').click();
  await expect(page.getByTestId('appeal-table').locator(`tr[data-number="${appeal.number}"]`)).toBeVisible();

  await dispatcher.context.close();
  await handler.context.close();
  expect(problems, 'errors in the other browsers').toEqual([]);
});

test('a consultation is answered and closed at intake; a repeated submit records it once', async ({
  page,
}) => {
  await login(page, 'operator');
  await switchLocale(page, 'zh-CN');
  await page.goto('/intake');
  await expect(page.getByTestId('intake-phone')).toBeFocused();
  await page.getByTestId('intake-phone').fill('13900138888');
  // Alt+1 picks 咨询 from anywhere in the form.
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('intake-type').locator('.ant-radio-button-wrapper-checked')).toContainText(
    '咨询',
  );
  await page.getByTestId('intake-content').fill('想咨询一下社区养老驿站的开放时间和报名方式。');
  await page.getByTestId('intake-answer-now').click();
  await page
    .getByTestId('intake-answer')
    .fill('社区养老驿站每天8:00至18:00开放，可携带身份证到社区居委会报名。');

  // The request is sent twice with the same Idempotency-Key (a double submit): one appeal results.
  const ids: string[] = [];
  await page.route('**/api/v1/appeals', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const first = await route.fetch();
    const second = await route.fetch();
    ids.push(((await first.json()) as { id: string }).id, ((await second.json()) as { id: string }).id);
    await route.fulfill({ response: second });
  });
  await page.getByTestId('intake-submit').click();
  await expect(page.getByTestId('intake-created')).toContainText('已当场答复并办结');
  expect(ids).toHaveLength(2);
  expect(ids[1]).toBe(ids[0]);
  await page.unroute('**/api/v1/appeals');

  // "Next call" resets the form for the next caller, the phone field focused again.
  await page.getByTestId('intake-next').click();
  await expect(page.getByTestId('intake-phone')).toBeFocused();
  await expect(page.getByTestId('intake-phone')).toHaveValue('');
  await expect(page.getByTestId('intake-content')).toHaveValue('');

  await page.goto(`/appeals/${ids[0]}`);
  await expectState(page, 'closed', '已办结');
  await expect(page.getByTestId('appeal-close-kind')).toHaveText('当场答复办结');
  await expect(page.getByTestId('appeal-reply')).toContainText('社区养老驿站每天8:00至18:00开放');
  await expect(page.locator('[data-testid="timeline-event"][data-type="answerAtIntake"]')).toBeVisible();
});

test('the queue table stays usable on a phone-sized screen', async ({ browser }) => {
  const problems: string[] = [];
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await login(page, 'dispatcher');
  await switchLocale(page, 'zh-CN');
  await page.goto('/appeals');
  await expect(page.getByTestId('appeal-queues')).toBeVisible();
  await expect(page.getByTestId('appeal-table')).toBeVisible();
  // The page itself does not scroll sideways: the table scrolls inside its box.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await saveScreenshot(page, 'appeals-queue-mobile');
  await context.close();
  expect(problems).toEqual([]);
});
