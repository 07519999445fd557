import { test as base, expect } from '@playwright/test';

/** Console errors that are expected: the browser logs every 4xx answer (e.g. /auth/me while signed out). */
const EXPECTED_CONSOLE_ERRORS = [/Failed to load resource: the server responded with a status of 4\d\d/];

/**
 * The Playwright `test`, failing any test whose page throws an uncaught error or logs an unexpected
 * console error (React and antd report misuse there).
 */
export const test = base.extend<{ failOnPageErrors: void }>({
  failOnPageErrors: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const text = message.text();
        if (!EXPECTED_CONSOLE_ERRORS.some((pattern) => pattern.test(text))) problems.push(`console: ${text}`);
      });
      await use();
      expect(problems, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
