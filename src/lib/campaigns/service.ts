import { createHash, timingSafeEqual } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import { repo, type CaseRow } from '../store/repo.js';
import { SigningError } from '../signing/errors.js';
import { cancelCaseInTx, viewAsParty, type PartyView, type SigningDeps } from '../signing/service.js';
import { sendLinks } from '../signing/common.js';
import { beijingTime } from '../time-format.js';
import { policyHtml } from './policy-html.js';
import { campaignStore, type DepartmentProgress } from './store.js';
import type { Table } from './sheets.js';

/**
 * Acknowledgment campaigns: one policy sent to many staff, each confirming 已阅读并同意
 * through their own link. A campaign is an acknowledgment case; here is what HR does with
 * one — progress by department, reminders, the roster, withdrawing it — either as an HR
 * admin signed in or as the holder of the campaign's management link.
 */
export type CampaignAuth = { admin: string } | { key: string };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NO_DEPARTMENT = '（未填部门）';

export const notCampaign = () => new SigningError('not-campaign', '找不到这次制度确认：链接可能不完整，或它不是发给员工确认的制度。', 404);

async function authorizeCampaign(tx: Sql, caseId: string, auth: CampaignAuth, lock: boolean): Promise<CaseRow> {
  const c = lock ? await repo.lockCase(tx, caseId) : await repo.getCase(tx, caseId);
  if ('key' in auth) {
    const given = Buffer.from(sha256(String(auth.key)));
    if (!c || given.length !== 64 || !timingSafeEqual(given, Buffer.from(c.manage_key_hash))) throw new SigningError('manage-denied', '管理链接无效：请使用创建时得到的完整管理链接。', 401);
  }
  if (!c || c.kind !== 'acknowledgment') throw notCampaign();
  return c;
}

/** Status words of a staff member in a campaign (page, roster, exports). */
export const STAFF_STATUS: Record<string, string> = { waiting: '未确认', sent: '未确认', viewed: '已查看，未确认', signed: '已确认', declined: '未确认' };
/** A campaign's own status words: a read-and-agree is withdrawn (撤回), never 撤销交接. */
export const CAMPAIGN_STATUS: Record<CaseRow['status'], string> = { open: '确认中', completed: '全员已确认', declined: '已结束', cancelled: '已撤回' };

export async function campaignView(deps: SigningDeps, caseId: string, auth: CampaignAuth) {
  return deps.sql.transaction(async (tx) => {
    const c = await authorizeCampaign(tx, caseId, auth, false);
    const [departments, staff, version] = [await campaignStore.progress(tx, caseId), await campaignStore.staff(tx, caseId), await campaignStore.versionOf(tx, caseId)];
    const total = departments.reduce((n, d) => n + d.total, 0);
    const done = departments.reduce((n, d) => n + d.done, 0);
    return {
      caseId: c.id,
      caseNumber: c.case_number,
      title: c.title,
      company: c.company,
      status: c.status,
      statusLabel: CAMPAIGN_STATUS[c.status],
      senderName: c.sender_name,
      createdAt: new Date(c.created_at).toISOString(),
      completedAt: c.completed_at ? new Date(c.completed_at).toISOString() : null,
      publishedVersionId: version,
      total,
      done,
      pending: total - done,
      departments: departments.map((d): DepartmentProgress => ({ ...d, department: d.department || NO_DEPARTMENT })),
      staff: staff.map((p) => ({
        id: p.id, name: p.name, email: p.email, department: p.department ?? '', status: p.status, statusLabel: STAFF_STATUS[p.status] ?? p.status,
        signedAt: p.signed_at ? new Date(p.signed_at).toISOString() : null, lastSentAt: p.last_sent_at ? new Date(p.last_sent_at).toISOString() : null, reminders: p.reminders,
      })),
    };
  });
}
export type CampaignView = Awaited<ReturnType<typeof campaignView>>;

/** Reminds one person, or everyone who has not confirmed yet; returns how many were mailed. */
export async function remindStaff(deps: SigningDeps, input: { caseId: string; auth: CampaignAuth; partyId?: string; baseUrl: string }): Promise<number> {
  return deps.sql.transaction(async (tx) => {
    const c = await authorizeCampaign(tx, input.caseId, input.auth, true);
    if (c.status === 'cancelled') throw new SigningError('cancelled', '这次制度确认已撤回，不能再提醒。', 409);
    if (c.status === 'completed') throw new SigningError('completed', '全员都已确认，无需提醒。', 409);
    const parties = await repo.parties(tx, c.id);
    const pending = parties.filter((p) => p.status === 'sent' || p.status === 'viewed');
    if (input.partyId) {
      const one = parties.find((p) => p.id === input.partyId);
      if (!one) throw new SigningError('not-found', '名单中没有这位员工：请刷新页面后再试。', 404);
      if (one.status === 'signed') throw new SigningError('already-signed', `${one.name} 已确认“已阅读并同意”，无需提醒。`, 409);
      await sendLinks(tx, deps, c, [one], input.baseUrl, true);
      return 1;
    }
    // New links (the old ones stop), mailed as reminders: a few statements for 2,000 people.
    await sendLinks(tx, deps, c, pending, input.baseUrl, true);
    return pending.length;
  });
}

/** 撤回: the campaign stops; everyone who got a link is told, and their links stop working. */
export async function withdrawCampaign(deps: SigningDeps, input: { caseId: string; auth: CampaignAuth; reason?: string }): Promise<void> {
  await deps.sql.transaction(async (tx) => {
    const c = await authorizeCampaign(tx, input.caseId, input.auth, true);
    if (c.status !== 'open') throw new SigningError('not-open', '只有确认中的制度可以撤回。', 409);
    await cancelCaseInTx(tx, c.id, input.reason);
  });
}

/** The roster: name, department, email, status, time of confirmation (Beijing time). */
export async function campaignRoster(deps: SigningDeps, caseId: string, auth: CampaignAuth): Promise<{ title: string; caseNumber: string; table: Table }> {
  const v = await campaignView(deps, caseId, auth);
  return {
    title: v.title,
    caseNumber: v.caseNumber,
    table: {
      header: ['姓名', '部门', '邮箱', '状态', '确认时间（北京时间）'],
      rows: v.staff.map((s) => [s.name, s.department, s.email, s.statusLabel, s.signedAt ? beijingTime(s.signedAt) : '']),
    },
  };
}

/** The staff list of the latest campaign, for the next one (复用上次名单). */
export async function lastStaffList(deps: SigningDeps) {
  const latest = await campaignStore.latestStaff(deps.sql);
  if (!latest) throw new SigningError('no-campaign', '还没有发过制度确认，没有可以复用的名单：请粘贴员工名单。', 404);
  return {
    title: latest.from.title,
    caseNumber: latest.from.case_number,
    createdAt: new Date(latest.from.created_at).toISOString(),
    staff: latest.staff.map((s) => ({ name: s.name, email: s.email, ...(s.department ? { department: s.department } : {}) })),
  };
}

/**
 * What a staff member reads through their link: their view of the acknowledgment and the
 * policy as HTML. viewAsParty checks the link against the stored record first.
 */
export async function readPolicy(deps: SigningDeps, caseId: string, token: string): Promise<PartyView & { html: string; publishedVersionId: string | null; pageCount: number | null }> {
  const view = await viewAsParty(deps, caseId, token);
  if (view.kind !== 'acknowledgment') throw new SigningError('not-acknowledgment', '这个链接是签署文件的链接：请在签署页面打开。', 409);
  const markdown = await campaignStore.markdownOf(deps.sql, caseId);
  if (!markdown) throw new SigningError('purged', '该制度的内容已按数据保留期限清除。', 410);
  return { ...view, html: policyHtml(markdown), publishedVersionId: await campaignStore.versionOf(deps.sql, caseId), pageCount: await campaignStore.pageCountOf(deps.sql, caseId) };
}
