import type { Sql } from '../store/sql.js';
import { checkWebhook, PLATFORM_MODULES } from './platforms.js';
import { openText, robotKey } from './secrets.js';
import { robotRepo, type RobotOutboxRow, type RobotRow } from './store.js';
import { explain, type RobotMessage, type Verdict } from './types.js';

/** What sending to robots needs: the store, the product secret (for the stored credentials), a clock and HTTP. */
export interface RobotDeps {
  sql: Sql;
  secret: Uint8Array;
  /** Origin of the local server playing the platforms in tests; null everywhere else. */
  hostOverride: string | null;
  /** The product's address (APP_URL), put in front of each message's link path. */
  baseUrl: string;
  now?: () => Date;
  fetch?: typeof fetch;
  /** First retry after this many seconds, doubling up to an hour. */
  retryBaseSeconds?: number;
}

const nowOf = (deps: RobotDeps) => deps.now?.() ?? new Date();
const REQUEST_TIMEOUT_MS = 10_000;
/** A claimed message is leased this long: a sender that dies mid-send has it retried after. */
const LEASE_MS = 5 * 60_000;
/** Wait after the platform itself says "too many". */
const RATE_LIMITED_RETRY_MS = 60_000;

/** The robot's address and secret, decrypted for one send. */
export function credentials(deps: RobotDeps, robot: RobotRow): { webhook: string; secret: string | null } {
  const key = robotKey(deps.secret);
  return { webhook: openText(key, robot.id, robot.webhook_enc), secret: robot.secret_enc ? openText(key, robot.id, robot.secret_enc) : null };
}

/** One POST to a robot, its reply explained. Never throws. */
export async function postToRobot(deps: RobotDeps, robot: RobotRow, msg: RobotMessage): Promise<Verdict> {
  let request;
  try {
    const { webhook, secret } = credentials(deps, robot);
    // Checked again at every send: the address was checked when added, but the override may be gone.
    const { url } = checkWebhook(robot.platform, webhook, deps.hostOverride);
    const link = { ...msg.link, url: new URL(msg.link.url, `${deps.baseUrl}/`).toString() };
    request = PLATFORM_MODULES[robot.platform].prepare(url.toString(), secret, { ...msg, link }, nowOf(deps));
  } catch (e) {
    return { ok: false, kind: 'rejected', explanation: `无法发送：${(e as Error).message}`, detail: (e as Error).message };
  }
  try {
    const res = await (deps.fetch ?? fetch)(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(request.body),
      // A redirect could lead anywhere: it counts as a failure, never followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    let reply: unknown = text;
    try {
      reply = JSON.parse(text);
    } catch {
      // not JSON: explained by the status
    }
    return PLATFORM_MODULES[robot.platform].interpret(res.status, reply);
  } catch (e) {
    return { ok: false, kind: 'unreachable', explanation: explain.unreachable, detail: (e as Error).message };
  }
}

type Claim = { kind: 'none' } | { kind: 'deferred'; robotId: string; until: Date } | { kind: 'claimed'; row: RobotOutboxRow; robot: RobotRow };

/**
 * Takes the oldest due message, unless its robot has used up its platform's rate limit: then
 * every due message of that robot waits until the window has room (deferred, never dropped).
 * The robot row is locked while counting, so two senders cannot both take the last slot.
 */
async function claim(deps: RobotDeps, now: Date): Promise<Claim> {
  return deps.sql.transaction(async (tx) => {
    const skip = tx.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const [row] = await tx.query<RobotOutboxRow>(`SELECT * FROM robot_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT 1${skip}`, [now]);
    if (!row) return { kind: 'none' };
    const [robot] = await tx.query<RobotRow>('SELECT * FROM robots WHERE id = $1 FOR UPDATE', [row.robot_id]);
    if (!robot) return { kind: 'none' };
    const limit = PLATFORM_MODULES[robot.platform].rateLimit;
    const [w] = await tx.query<{ minute: number; second: number; oldest_minute: Date | null; oldest_second: Date | null }>(
      `SELECT count(*)::int AS minute, count(*) FILTER (WHERE at > $2::timestamptz - interval '1 second')::int AS second,
              min(at) AS oldest_minute, min(at) FILTER (WHERE at > $2::timestamptz - interval '1 second') AS oldest_second
         FROM robot_attempts WHERE robot_id = $1 AND at > $2::timestamptz - interval '60 seconds' AND at <= $2`,
      [robot.id, now],
    );
    let until = 0;
    if (w!.minute >= limit.perMinute && w!.oldest_minute) until = new Date(w!.oldest_minute).getTime() + 60_000 + 1;
    if (limit.perSecond && w!.second >= limit.perSecond && w!.oldest_second) until = Math.max(until, new Date(w!.oldest_second).getTime() + 1_000 + 1);
    if (until) {
      const at = new Date(until);
      await tx.query('UPDATE robot_outbox SET next_attempt_at = $2 WHERE robot_id = $1 AND sent_at IS NULL AND next_attempt_at < $2', [robot.id, at]);
      return { kind: 'deferred', robotId: robot.id, until: at };
    }
    await tx.query('INSERT INTO robot_attempts (robot_id, at) VALUES ($1, $2)', [robot.id, now]);
    await tx.query('UPDATE robot_outbox SET next_attempt_at = $2 WHERE id = $1', [row.id, new Date(now.getTime() + LEASE_MS)]);
    return { kind: 'claimed', row, robot };
  });
}

export interface RobotRun {
  sent: number;
  failed: number;
  deferred: number;
}

/**
 * Sends what is due, one claimed message at a time, outside any transaction. A failure stays
 * queued with its explanation and is retried with back-off (30 s, 1 min, 2 min … 1 h); a
 * platform's "too many" waits a minute. Nothing is dropped.
 */
export async function processRobotOutbox(deps: RobotDeps, limit = 50): Promise<RobotRun> {
  const run: RobotRun = { sent: 0, failed: 0, deferred: 0 };
  const base = deps.retryBaseSeconds ?? 30;
  for (let i = 0; i < limit; i++) {
    const now = nowOf(deps);
    const c = await claim(deps, now);
    if (c.kind === 'none') break;
    if (c.kind === 'deferred') {
      run.deferred++;
      continue;
    }
    const verdict = await postToRobot(deps, c.robot, c.row.body);
    const after = nowOf(deps);
    if (verdict.ok) {
      await robotRepo.sent(deps.sql, c.row.id, after);
      run.sent++;
    } else {
      const wait = verdict.kind === 'rate-limited' ? RATE_LIMITED_RETRY_MS : Math.min(3600, base * 2 ** c.row.attempts) * 1000;
      await robotRepo.failed(deps.sql, c.row.id, `${verdict.explanation}（${verdict.detail}）`, verdict.kind, new Date(after.getTime() + wait));
      run.failed++;
    }
  }
  await robotRepo.sweep(deps.sql, nowOf(deps));
  return run;
}
