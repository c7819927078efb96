import { defineConfig, devices } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * End-to-end tests drive Debian's Chromium (nothing downloads a browser here) against the
 * product started the README's way (`npm start`).
 */
const PORT = Number(process.env.E2E_PORT ?? 4400);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const isRoot = process.getuid?.() === 0;
/** The signing tests start a real SMTP server on this port and read what the product sends. */
export const TEST_SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2525);
// A new data folder per run. Pids repeat from one fresh container to the next while /tmp may
// not be fresh, so the name carries the time as well; set once so workers agree on it.
process.env.E2E_DATA_DIR ??= join(tmpdir(), `handover-e2e-${Date.now().toString(36)}-${process.pid}`);

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    // A click on something that never appears fails in 20 s, not at the test's own timeout.
    actionTimeout: 20_000,
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        ...(isRoot ? ['--no-sandbox'] : []),
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: 'npm start',
    url: `http://127.0.0.1:${PORT}/`,
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      ASTRO_TELEMETRY_DISABLED: '1',
      // A fresh store and outbox for every run; mail goes to the test's SMTP server.
      // DATABASE_URL is emptied so a PostgreSQL exported for the store suite (CI) is not
      // shared: its rows would outlive the run and leak into lists such as the archive.
      DATA_DIR: process.env.E2E_DATA_DIR,
      DATABASE_URL: '',
      SMTP_URL: `smtp://127.0.0.1:${TEST_SMTP_PORT}`,
      MAIL_FROM: '工作交接 <no-reply@handover.test>',
      ADMIN_EMAILS: 'hr-admin@example.test',
    },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
