import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Webhook addresses and signing secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256)
 * from the product's SIGNING_SECRET, so a copy of the database alone does not let anyone
 * post into the company's groups. The robot's id is the associated data: a value copied onto
 * another robot's row does not decrypt.
 */
export function robotKey(signingSecret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', signingSecret, 'handover-kit/robots', 'robot-webhook-v1', 32));
}

export function sealText(key: Buffer, robotId: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(robotId));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function openText(key: Buffer, robotId: string, sealed: string): string {
  const [v, iv, tag, body] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('robot secret: unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(robotId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
