import { httpSmsSender, type SmsSender } from '../lib/sms/sender.js';
import type { TsaClient } from '../lib/pdf/timestamp.js';
import { parseMethod, type VerificationDefaults } from '../lib/signing/verification/codes.js';
import type { CodeDelivery } from '../lib/signing/verification/actions.js';
import type { Mailer } from './mailer.js';

/**
 * Settings of issue 16, read from the environment in one place:
 * - TSA_URL (and TSA_TIMEOUT_MS): an RFC 3161 time-stamp authority for the seal;
 * - SMS_URL, SMS_TOKEN: a generic JSON SMS gateway for verification codes (else codes go by mail);
 * - VERIFY_ACKNOWLEDGMENTS, VERIFY_PROCESS: none | email | sms — a code before signing for
 *   policy acknowledgments and customer-handover documents (a form case is chosen by its sender).
 */
export function tsaClient(env = process.env): TsaClient | undefined {
  if (!env.TSA_URL) return undefined;
  const timeout = Number(env.TSA_TIMEOUT_MS);
  return { url: env.TSA_URL, timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 15_000 };
}

export function smsSender(env = process.env): SmsSender | null {
  return env.SMS_URL ? httpSmsSender({ url: env.SMS_URL, token: env.SMS_TOKEN }) : null;
}

export function verificationDefaults(env = process.env): VerificationDefaults {
  return { acknowledgment: parseMethod(env.VERIFY_ACKNOWLEDGMENTS), process: parseMethod(env.VERIFY_PROCESS) };
}

/** Codes are sent at once (the party is waiting), never through the outbox: no code is stored. */
export function codeDelivery(mailer: Mailer, env = process.env): CodeDelivery {
  return { email: (m) => mailer.send(m), sms: smsSender(env) };
}
