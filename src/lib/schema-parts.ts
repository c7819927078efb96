import { z } from 'zod';
import './zod-messages.js';

/**
 * The pieces every request schema is built from, defined once: an address is checked the
 * same way whether it names a signer, a sender, a process party or an HR admin.
 */
export const email = z.string().trim().toLowerCase().max(254).email('邮箱格式不正确');
export const personName = z.string().trim().min(1, '请填写姓名').max(40, '姓名不能超过 40 字');
/** A link token as pasted from a mail: a clipped one is explained, not measured. */
export const token = z.string().min(20, '链接不完整：请从邮件中点开完整的链接').max(2048, '链接无效');
/** Ids of cases and processes (random, URL-safe). */
export const recordId = (what: string) => z.string().regex(/^[A-Za-z0-9_-]{6,32}$/, `${what}无效`);
