import { processRobotOutbox, type RobotDeps } from '../lib/robots/delivery.js';
import { robotHostOverride } from '../lib/robots/platforms.js';
import type { SigningContext } from './context.js';
import { appUrl, isProduction } from './settings.js';

/** Robot sending with the product's store and secret; the test-only host override never in production. */
export function robotDeps(ctx: SigningContext, baseUrl = appUrl(), env = process.env): RobotDeps {
  return {
    sql: ctx.deps.sql,
    secret: ctx.deps.secret,
    hostOverride: robotHostOverride(env, isProduction(env)),
    baseUrl,
    retryBaseSeconds: Number(env.ROBOT_RETRY_BASE_SECONDS ?? 30),
  };
}

/** The maintenance run's share: send what robots are owed. A failure here never stops the rest. */
export async function flushRobots(ctx: SigningContext, baseUrl: string): Promise<void> {
  try {
    await processRobotOutbox(robotDeps(ctx, baseUrl), 100);
  } catch (e) {
    console.error('[robots]', (e as Error).message);
  }
}
