import { defineConfig, devices } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSelfSignedP12 } from './src/lib/pdf/seal.js';
import { E2E_TARGETS } from './tests/e2e/targets.js';

/**
 * End-to-end tests drive Debian's Chromium (nothing downloads a browser here) against two
 * targets:
 * - `local`: the product started the README's way (`npm start`; `npm run serve` when the
 *   test command has just built it), PGlite in a fresh data folder;
 * - `vercel`: the Vercel build output (`npm run build:vercel`) served by the local runner
 *   the way the platform runs it, in production mode on PostgreSQL. The journeys run here too.
 *   It needs E2E_DATABASE_URL (a database of its own: `npm test` creates one per run).
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const isRoot = process.getuid?.() === 0;
// A new data folder per run. Pids repeat from one fresh container to the next while /tmp may
// not be fresh, so the name carries the time as well; set once so workers agree on it.
process.env.E2E_DATA_DIR ??= join(tmpdir(), `handover-e2e-${Date.now().toString(36)}-${process.pid}`);
// Production settings for the deployed target, made once per run (workers inherit them).
process.env.E2E_SIGNING_SECRET ??= randomBytes(32).toString('base64url');
process.env.E2E_P12_PASSPHRASE ??= randomBytes(12).toString('base64url');
process.env.E2E_P12_BASE64 ??= createSelfSignedP12('Handover Kit e2e', process.env.E2E_P12_PASSPHRASE).toString('base64');
process.env.E2E_CRON_SECRET ??= randomBytes(16).toString('base64url');

const { local, vercel } = E2E_TARGETS;
const PHONE = /phone-signing\.spec\.ts$/;
// The library and campaign journeys read the admin's sign-in mail on the same port: each runs
// after the one before (local → phone → library → campaigns).
const LIBRARY = /(^|\/)library\.spec\.ts$/;
const CAMPAIGNS = /(^|\/)campaigns\.spec\.ts$/;
const withVercel = !!process.env.E2E_DATABASE_URL && existsSync('.vercel/output/config.json');
if (!withVercel) console.warn('[e2e] vercel target skipped: it needs `npm run build:vercel` and E2E_DATABASE_URL (npm test sets both up)');

/** What both servers share: mail to the test's own SMTP server, one HR admin. */
const common = (smtpPort: number) => ({
  ASTRO_TELEMETRY_DISABLED: '1',
  SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  MAIL_FROM: '工作交接 <no-reply@handover.test>',
  ADMIN_EMAILS: 'hr-admin@example.test',
  // Every test comes from 127.0.0.1; the send quota per IP is the product's, not the suite's.
  RATE_LIMIT_SEND: '100000',
  RATE_LIMIT_RENDER: '100000',
});

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  reporter: [['list']],
  // Generous: a guard against hangs, not a speed test (CI runs on a busy 2-core machine).
  timeout: 600_000,
  expect: { timeout: 30_000 },
  use: {
    locale: 'zh-CN',
    trace: 'retain-on-failure',
    // A click on something that never appears fails in a minute, not at the test's own timeout.
    actionTimeout: 60_000,
    navigationTimeout: 60_000,
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
  // Specs that read the product's mail each listen on their target's one SMTP port, so two of
  // them must not run at once against the same target: the phone journeys run after the rest.
  projects: [
    { name: 'local', testIgnore: [PHONE, LIBRARY, CAMPAIGNS], use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: local.url } },
    { name: 'local-phone', testMatch: PHONE, dependencies: ['local'], use: { baseURL: local.url } },
    { name: 'local-library', testMatch: LIBRARY, dependencies: ['local-phone'], use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: local.url } },
    { name: 'local-campaigns', testMatch: CAMPAIGNS, dependencies: ['local-library'], use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: local.url } },
    ...(withVercel
      ? [
          { name: 'vercel', testMatch: /(^|\/)signing\.spec\.ts$/, use: { ...devices['Desktop Chrome'], channel: undefined, baseURL: vercel.url } },
          { name: 'vercel-phone', testMatch: PHONE, dependencies: ['vercel'], use: { baseURL: vercel.url } },
        ]
      : []),
  ],
  webServer: [
    {
      command: process.env.E2E_PREBUILT ? 'npm run serve' : 'npm start',
      url: `${local.url}/`,
      env: {
        ...common(local.smtpPort),
        PORT: String(local.port),
        HOST: '127.0.0.1',
        // A fresh store and outbox for every run. DATABASE_URL is emptied so a PostgreSQL
        // exported for the store suite (CI) is not shared: its rows would outlive the run.
        DATA_DIR: process.env.E2E_DATA_DIR,
        DATABASE_URL: '',
      },
      timeout: 300_000,
      reuseExistingServer: false,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    ...(withVercel
      ? [
          {
            command: 'npm run serve:vercel',
            url: `${vercel.url}/`,
            env: {
              ...common(vercel.smtpPort),
              PORT: String(vercel.port),
              HOST: '127.0.0.1',
              // Production: every setting given, nothing generated, nothing on local disk.
              RUNNER_VERCEL_ENV: 'production',
              APP_URL: vercel.url,
              DATABASE_URL: process.env.E2E_DATABASE_URL!,
              SIGNING_SECRET: process.env.E2E_SIGNING_SECRET,
              SIGNING_P12_BASE64: process.env.E2E_P12_BASE64,
              SIGNING_P12_PASSPHRASE: process.env.E2E_P12_PASSPHRASE,
              CRON_SECRET: process.env.E2E_CRON_SECRET,
              // Vercel Cron calls /api/cron every 10 minutes; here every 5 s, the same way.
              RUNNER_CRON_INTERVAL_MS: '5000',
              // The platform's 30 s maxDuration assumes its own CPUs; CI shares two busy cores
              // with Chromium and the local server (a signature has taken over 30 s there).
              RUNNER_MAX_DURATION: '300',
            },
            timeout: 300_000,
            reuseExistingServer: false,
            // The runner prints the functions' own log lines: a failure shows its cause here.
            stdout: 'pipe' as const,
            stderr: 'pipe' as const,
          },
        ]
      : []),
  ],
});
