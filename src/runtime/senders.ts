import type { VercelRequest, VercelResponse } from '@vercel/node';
import { adminEmails, adminFromSession } from '../lib/process/admin.js';
import type { ProcessDeps } from '../lib/process/service.js';
import { outline, type SendRequest } from '../lib/senders/kinds.js';
import { QuotaError, requestConfirmation, sendDirect, type SenderQuota } from '../lib/senders/service.js';
import { adminCookie } from './http.js';
import { signingContext } from './context.js';
import { appUrl } from './settings.js';

/**
 * The one door for requests that make the server mail other people (/api/cases,
 * /api/acknowledgments, /api/process 'open'). The handler has validated the body exactly as
 * before; here an HR admin signed in through /archive/ sends at once, anyone else gets a
 * confirmation mail at the sender address — within SENDER_DOMAINS and the daily quotas.
 */
const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export interface SenderPolicy extends SenderQuota {
  /** Allowed sender domains (lower case); empty: any. */
  domains: string[];
}

export function senderPolicy(env = process.env): SenderPolicy {
  return {
    domains: (env.SENDER_DOMAINS ?? '').split(/[,;\s]+/).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean),
    perSender: positive(env.SEND_QUOTA_PER_SENDER, 20),
    recipientsPerDay: positive(env.SEND_RECIPIENTS_PER_DAY, 3000),
  };
}

export function domainAllowed(email: string, domains: string[]): boolean {
  return domains.length === 0 || domains.includes(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
}

/** The HR admin behind the session cookie; a missing, expired or foreign cookie is nobody. */
async function signedInAdmin(req: VercelRequest, deps: ProcessDeps): Promise<string | null> {
  const session = adminCookie(req);
  if (!session) return null;
  return adminFromSession(deps, session, adminEmails()).catch(() => null);
}

/** Answers the request: 201 with what was created (admin), or 202 with where to confirm. */
export async function startSend(req: VercelRequest, res: VercelResponse, request: SendRequest, sentMessage: string): Promise<void> {
  const ctx = await signingContext();
  const deps = ctx.processDeps;
  const admin = await signedInAdmin(req, deps);
  if (admin) {
    const result = await sendDirect(deps, request, appUrl(), admin);
    ctx.sendMailSoon();
    res.status(201).json({ ...result, message: sentMessage });
    return;
  }
  const policy = senderPolicy();
  const { sender } = outline(request, deps.forms);
  if (!domainAllowed(sender.email, policy.domains)) {
    const allowed = policy.domains.map((d) => `@${d}`).join('、');
    res.status(403).json({ error: `发起人邮箱必须是公司邮箱（${allowed}）：${sender.email} 不能发起。`, code: 'sender-domain' });
    return;
  }
  try {
    const pending = await requestConfirmation(deps, request, appUrl(), policy);
    ctx.sendMailSoon();
    res.status(202).json({ pending: true, email: pending.email, expiresAt: pending.expiresAt.toISOString(), message: pending.message });
  } catch (e) {
    if (e instanceof QuotaError) res.setHeader('Retry-After', String(e.retryAfterSeconds));
    throw e;
  }
}
