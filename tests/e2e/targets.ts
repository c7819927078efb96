/**
 * The two products the end-to-end tests run against (see playwright.config.ts), each with
 * its own port and its own test SMTP server, so both can run at once.
 */
const base = Number(process.env.E2E_PORT ?? 4400);
const smtp = Number(process.env.E2E_SMTP_PORT ?? 2525);

export const E2E_TARGETS = {
  local: { port: base, url: `http://127.0.0.1:${base}`, smtpPort: smtp },
  vercel: { port: base + 1, url: `http://127.0.0.1:${base + 1}`, smtpPort: smtp + 1 },
} as const;

/** The SMTP port the server of this Playwright project sends to. */
export function smtpPortFor(projectName: string): number {
  return (projectName.startsWith('vercel') ? E2E_TARGETS.vercel : E2E_TARGETS.local).smtpPort;
}
