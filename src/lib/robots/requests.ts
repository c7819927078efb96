import { z } from 'zod';
import { recordId, token } from '../schema-parts.js';
import { SCOPE_KINDS, ROBOT_EVENTS } from './store.js';
import { PLATFORMS } from './types.js';

/** POST /api/robots bodies. Every action but the first needs the HR admin session cookie. */
const robotId = recordId('机器人编号');

export const robotsBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }).strict(),
  z
    .object({
      action: z.literal('add'),
      name: z.string().trim().min(1, '请给机器人起个名字，例如“销售部交接群”').max(40, '名称不能超过 40 字'),
      platform: z.enum(PLATFORMS, { errorMap: () => ({ message: '请选择平台：企业微信、钉钉或飞书' }) }),
      webhook: z.string().trim().min(1, '请粘贴 Webhook 地址').max(500, 'Webhook 地址过长'),
      secret: z
        .string()
        .trim()
        .max(200, '密钥过长')
        .optional()
        .transform((s) => s || undefined),
    })
    .strict(),
  z.object({ action: z.literal('remove'), robotId }).strict(),
  z.object({ action: z.literal('test'), robotId }).strict(),
  z
    .object({
      action: z.literal('subscribe'),
      robotId,
      scopeKind: z.enum(SCOPE_KINDS),
      // '*' (every case of the kind), a form id, or a process/case id.
      scopeId: z.string().regex(/^(\*|[A-Za-z0-9_-]{1,64})$/, '范围无效'),
      events: z.array(z.enum(ROBOT_EVENTS)).max(ROBOT_EVENTS.length),
    })
    .strict(),
  z.object({ action: z.literal('outbox'), robotId: robotId.optional(), subjectId: recordId('案件编号').optional() }).strict(),
]);

export type RobotsBody = z.infer<typeof robotsBody>;

/** A case's own choice of robots: per robot the events it hears; null goes back to the defaults. */
const caseChoice = z
  .array(z.object({ robotId, events: z.array(z.enum(ROBOT_EVENTS)).max(ROBOT_EVENTS.length) }).strict())
  .max(100)
  .nullable();

/** POST /api/process {action: 'set-robots'}: HR or the supervisor by their case link, or an HR admin. */
export const processRobotsBody = z.object({ action: z.literal('set-robots'), processId: recordId('案件编号'), token: token.optional(), robots: caseChoice }).strict();

/** POST /api/manage {action: 'set-robots'}: an acknowledgment campaign's sender by the management key. */
export const manageRobotsBody = z.object({ action: z.literal('set-robots'), caseId: recordId('交接编号'), key: z.string().max(100), robots: caseChoice }).strict();
