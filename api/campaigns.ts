import type { VercelRequest, VercelResponse } from '@vercel/node';
import { campaignBody, homeFilters } from '../src/lib/campaigns/requests.js';
import { campaignRoster, campaignView, lastStaffList, readPolicy, remindStaff, withdrawCampaign, type CampaignAuth } from '../src/lib/campaigns/service.js';
import { homeTable, listHome } from '../src/lib/campaigns/home.js';
import { toCsv, toXlsx } from '../src/lib/campaigns/sheets.js';
import { adminEmails, adminFromSession, requestAdminLink } from '../src/lib/process/admin.js';
import { formatZodIssues } from '../src/lib/zod-messages.js';
import { beijingDate } from '../src/lib/time-format.js';
import { adminCookie, endpoint, readJson, sendError, withinLimit, withinLinkLimit } from '../src/runtime/http.js';
import { signingContext } from '../src/runtime/context.js';
import { appUrl } from '../src/runtime/settings.js';

/**
 * POST /api/campaigns — acknowledgment campaigns and HR home. HR admins signed in (the
 * archive's session cookie) see everything sent and run any campaign; the holder of a
 * campaign's management link runs that one (view, remind, roster, withdraw); a staff
 * member reads the policy through their own link ('read').
 */
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function sendFile(res: VercelResponse, bytes: Uint8Array, type: string, fileName: string) {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName.replace(/[\\/:*?"<>|\r\n]+/g, ' '))}`);
  return res.status(200).send(Buffer.from(bytes));
}

async function handler(req: VercelRequest, res: VercelResponse) {
  const body = readJson(req, res, campaignBody);
  if (!body) return;
  if (!(await (body.action === 'read' ? withinLinkLimit(req, res, 'sign', body.token, 'sign') : withinLimit(req, res, 'manage')))) return;
  try {
    const ctx = await signingContext();
    const deps = ctx.processDeps;
    const admin = () => adminFromSession(deps, adminCookie(req), adminEmails());
    /** The management link's key when given; otherwise the request must come from an HR admin. */
    const auth = async (key: string | undefined): Promise<CampaignAuth> => (key ? { key } : { admin: await admin() });
    switch (body.action) {
      case 'read':
        return res.status(200).json(await readPolicy(deps, body.caseId, body.token));
      case 'request-link':
        if (!(await withinLimit(req, res, 'adminLink'))) return;
        await requestAdminLink(deps, body.email, appUrl(), adminEmails(), '/hr/');
        ctx.sendMailSoon();
        // The same answer whether or not the address is on the list.
        return res.status(200).json({ message: '如果该邮箱有权限，登录链接已发送，请查收邮件（15 分钟内有效）。' });
      case 'home':
      case 'home-csv': {
        const email = await admin();
        const { action: _, ...raw } = body;
        const parsed = homeFilters.safeParse(raw);
        if (!parsed.success) {
          const fields = formatZodIssues(parsed.error, raw);
          return res.status(400).json({ error: fields[0]?.replace(/^[^:]*: /, '') ?? '筛选条件不正确', fields });
        }
        if (body.action === 'home') return res.status(200).json({ email, ...(await listHome(deps.sql, parsed.data, deps.now?.() ?? new Date())) });
        const { table, truncated } = await homeTable(deps.sql, parsed.data, deps.now?.() ?? new Date());
        res.setHeader('X-Truncated', truncated ? '1' : '0');
        return sendFile(res, toCsv(table), 'text/csv; charset=utf-8', `HR工作台-${beijingDate(new Date())}.csv`);
      }
      case 'last-list':
        await admin();
        return res.status(200).json(await lastStaffList(deps));
      case 'view':
        return res.status(200).json(await campaignView(deps, body.caseId, await auth(body.key)));
      case 'remind': {
        const a = await auth(body.key);
        const count = await remindStaff(deps, { caseId: body.caseId, auth: a, partyId: body.partyId, baseUrl: appUrl() });
        ctx.sendMailSoon();
        return res.status(200).json({ reminded: count, view: await campaignView(deps, body.caseId, a) });
      }
      case 'withdraw': {
        const a = await auth(body.key);
        await withdrawCampaign(deps, { caseId: body.caseId, auth: a, reason: body.reason });
        ctx.sendMailSoon();
        return res.status(200).json(await campaignView(deps, body.caseId, a));
      }
      case 'roster': {
        const { title, caseNumber, table } = await campaignRoster(deps, body.caseId, await auth(body.key));
        const name = `${title}-确认名单-${caseNumber}`;
        return body.format === 'csv'
          ? sendFile(res, toCsv(table), 'text/csv; charset=utf-8', `${name}.csv`)
          : sendFile(res, toXlsx(table, '确认名单'), XLSX_TYPE, `${name}.xlsx`);
      }
    }
  } catch (e) {
    return sendError(res, e, 'campaigns');
  }
}

export default endpoint('campaigns', handler);
