import { expect, test } from './fixtures';
import { login, navKeys, pickOption, saveScreenshot, switchLocale } from './helpers';

test('admin sees users and audit, finds their own sign-in, and creates a user', async ({ page }) => {
  await login(page, 'admin');
  await switchLocale(page, 'zh-CN');
  expect(await navKeys(page)).toEqual([
    'home',
    'appeals',
    'appealIntake',
    'appealImport',
    'whistleBoard',
    'whistleInbox',
    'stewards',
    'territories',
    'territoryImport',
    'units',
    'categories',
    'calendar',
    'users',
    'audit',
    'account',
  ]);
  await expect(page.getByTestId('nav-users')).toHaveText('用户管理');
  await expect(page.getByTestId('nav-audit')).toHaveText('审计日志');
  const adminName = (await page.getByTestId('user-display-name').textContent())?.trim() ?? '';
  expect(adminName).not.toBe('');

  // The audit log has this sign-in.
  await page.getByTestId('nav-audit').click();
  await expect(page).toHaveURL(/\/audit$/);
  const loginRow = page
    .getByTestId('audit-table')
    .locator('tr')
    .filter({ has: page.locator('[data-action="auth.login"]') })
    .filter({ hasText: adminName });
  await expect(loginRow.first()).toBeVisible();
  await saveScreenshot(page, 'admin-audit-zh');

  // A new user through the modal.
  await page.getByTestId('nav-users').click();
  await expect(page.getByTestId('user-table')).toBeVisible();
  const username = `e2e.grid.${Date.now().toString(36)}`;
  await page.getByTestId('new-user').click();
  const modal = page.locator('.ant-modal').filter({ hasText: '新建用户' });
  await expect(modal).toBeVisible();
  await modal.getByTestId('new-user-username').fill(username);
  await modal.getByTestId('new-user-display-name').fill('测试网格员');
  await modal.getByTestId('new-user-password').fill('e2e-password-2026');
  await modal.getByTestId('new-user-phone').fill('13800138000');
  await pickOption(
    page,
    modal.getByTestId('new-user-role'),
    (dropdown) => dropdown.locator('.ant-select-item-option').filter({ hasText: '网格员' }),
    '网格员',
  );
  await modal.getByTestId('new-user-territory').click();
  await page.keyboard.type('东湖社区第1网格');
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText('东湖社区第1网格');
  await page.keyboard.press('Enter');
  await expect(modal.getByTestId('new-user-territory')).toContainText('东湖社区第1网格（网格）');
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await saveScreenshot(page, 'admin-new-user-modal-zh', { fullPage: false });
  const created = page.waitForResponse(
    (response) => response.url().endsWith('/api/v1/users') && response.request().method() === 'POST',
    { timeout: 15_000 },
  );
  await modal.getByTestId('new-user-submit').click();
  expect((await created).ok()).toBe(true);
  await expect(modal).toBeHidden();

  await page.getByTestId('user-search').locator('input').fill(username);
  await page.getByTestId('user-search').locator('input').press('Enter');
  const row = page.getByTestId('user-table').locator('tr').filter({ hasText: username });
  await expect(row).toBeVisible();
  await expect(row).toContainText('测试网格员');
  await expect(row).toContainText('网格员');
  await expect(row).toContainText('东湖社区第1网格');
  await saveScreenshot(page, 'admin-users-zh');

  // The server refuses the same username again, and the dialog says so.
  await page.getByTestId('new-user').click();
  await expect(modal).toBeVisible();
  await modal.getByTestId('new-user-username').fill(username);
  await modal.getByTestId('new-user-display-name').fill('重复用户');
  await modal.getByTestId('new-user-password').fill('e2e-password-2026');
  await modal.getByTestId('new-user-submit').click();
  await expect(modal.getByTestId('new-user-error')).toContainText('该用户名已被使用');
  await expect(modal.locator('.ant-form-item-explain-error')).toHaveText('该用户名已被使用。');
  await page.waitForTimeout(400); // let the field error finish its entrance animation
  await saveScreenshot(page, 'admin-new-user-error-zh', { fullPage: false });

  // Server-side validation: the browser's checks mirror the server's, so the request is altered on
  // the way to show that the server's field errors reach the form.
  await page.route('**/api/v1/users', async (route) => {
    const body = route.request().postDataJSON() as Record<string, unknown>;
    await route.continue({ postData: JSON.stringify({ ...body, username: 'x!' }) });
  });
  await modal.getByTestId('new-user-username').fill(`${username}.2`);
  await modal.getByTestId('new-user-submit').click();
  await expect(modal.getByTestId('new-user-error')).toContainText('提交的内容不符合要求');
  await expect(modal.getByTestId('new-user-issues')).toContainText('username');
  await expect(modal.locator('.ant-form-item-has-error')).toContainText('用户名');
  await page.unroute('**/api/v1/users');
  await page.waitForTimeout(400); // let the field error finish its entrance animation
  await saveScreenshot(page, 'admin-new-user-validation-zh', { fullPage: false });
});
