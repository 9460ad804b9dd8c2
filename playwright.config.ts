import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * e2e runs in a real Chromium. Playwright's own browser download cannot run on
 * machines without access to its CDN, so the system Chromium is used when
 * present (Debian's `chromium` package, installed by .ci/run); set
 * ROSTER_CHROMIUM to point elsewhere. Without either, Playwright's bundled
 * browser is tried, which needs `npx playwright install chromium` first.
 */
const systemChromium = [process.env.ROSTER_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => p !== undefined && p !== '' && existsSync(p),
);
if (systemChromium === undefined) {
  console.warn('No system Chromium found (set ROSTER_CHROMIUM): falling back to Playwright\'s own browser.');
}

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME === undefined ? [['list']] : [['list'], ['json']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      ...(systemChromium === undefined ? {} : { executablePath: systemChromium }),
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
