import { SigningError } from '../signing/errors.js';
import { dingtalk } from './dingtalk.js';
import { feishu } from './feishu.js';
import { PLATFORM_LABEL, type Platform, type PlatformModule } from './types.js';
import { wecom } from './wecom.js';

export const PLATFORM_MODULES: Record<Platform, PlatformModule> = { wecom, dingtalk, feishu };

/**
 * Where robot messages may go. The server must not become a way to POST to any address
 * (SSRF): only https on the platform's own hosts, default port, with the platform's webhook
 * path. Tests play the platforms on a local server named by ROBOT_HOST_OVERRIDE (an origin
 * such as http://127.0.0.1:4000); that setting is refused in production.
 */
export function robotHostOverride(env: NodeJS.ProcessEnv, production: boolean): string | null {
  const raw = env.ROBOT_HOST_OVERRIDE?.trim();
  if (!raw) return null;
  if (production) throw new Error('ROBOT_HOST_OVERRIDE is for tests only and is refused in production');
  return new URL(raw).origin;
}

const refuse = (message: string) => new SigningError('robot-url', message, 400);

/** The webhook address checked for its platform, normalised; throws a zh-CN refusal. */
export function checkWebhook(platform: Platform, raw: string, override: string | null): { url: URL; key: string } {
  const label = PLATFORM_LABEL[platform];
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse(`这不是有效的网址：请从${label}群机器人设置中复制完整的 Webhook 地址。`);
  }
  const mod = PLATFORM_MODULES[platform];
  const local = override !== null && url.origin === override;
  if (!local) {
    if (url.protocol !== 'https:' || url.port !== '' || url.username || url.password || !mod.hosts.includes(url.hostname)) {
      throw refuse(`这不是${label}机器人的 Webhook 地址：地址应以 https://${mod.hosts[0]}/ 开头。`);
    }
  }
  const key = mod.keyOf(url);
  if (!key) throw refuse(`${label}机器人的 Webhook 地址不完整：请复制群机器人设置中显示的完整地址。`);
  url.hash = '';
  return { url, key };
}

/** What the admin page shows instead of the address: host and the key's last 4 characters. */
export function webhookHint(url: URL, key: string): string {
  return `${url.host} · …${key.slice(-4)}`;
}
