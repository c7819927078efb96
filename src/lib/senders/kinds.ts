import type { z } from 'zod';
import { acknowledgmentBody, createCaseBody } from '../signing/requests.js';
import { openProcessBody } from '../process/requests.js';
import { parsePdfRequest } from '../pdf-request.js';
import { createAcknowledgment, createCase } from '../signing/service.js';
import { openProcess, type ProcessDeps } from '../process/service.js';
import { PROCESS_ROLES, ROLE_LABEL } from '../process/roles.js';
import type { FormDefinition } from '../form-definition.js';
import { SigningError } from '../signing/errors.js';

/**
 * The three requests that make the server mail other people, as one type: a filled
 * checklist sent for signature, a customized policy sent to staff, a customer-handover case
 * opened. Each is the body its endpoint validated; running it is the original create
 * function, nothing else.
 */
export type SendRequest =
  | { kind: 'case'; body: z.infer<typeof createCaseBody> }
  | { kind: 'acknowledgment'; body: z.infer<typeof acknowledgmentBody> }
  | { kind: 'process'; body: z.infer<typeof openProcessBody> };
export type SendKind = SendRequest['kind'];
export const SEND_KINDS: readonly SendKind[] = ['case', 'acknowledgment', 'process'];

/** What the sender is asked to confirm: who they are, what goes out, and to whom. */
export interface SendOutline {
  sender: { name: string; email: string };
  /** In words, e.g. 签署《工作交接清单》. */
  summary: string;
  recipients: Array<{ name: string; email: string; role?: string }>;
}

/** What running a request created. `manageUrl` is never stored: it is mailed and shown once. */
export interface SendResult {
  kind: SendKind;
  caseNumber: string;
  caseId?: string;
  processId?: string;
  manageUrl?: string;
}

type Forms = (id: string) => FormDefinition | undefined;

/** The checklist the request fills, with the values as its endpoint validated them. */
function formOf(body: z.infer<typeof createCaseBody>, forms: Forms) {
  const form = parsePdfRequest({ formId: body.formId, values: body.values, company: body.company, caseNumber: body.caseNumber }, forms);
  if (!form.ok) throw new SigningError('request-changed', `${form.error}：请重新发起。`, form.status);
  return form;
}

/**
 * Who sends what to whom. Also the checks the create function would make later, made now,
 * so a request that could never be sent is refused before anyone is asked to confirm it.
 */
export function outline(r: SendRequest, forms: Forms): SendOutline {
  switch (r.kind) {
    case 'case': {
      const { definition } = formOf(r.body, forms);
      const roles = definition.signing.parties;
      if (r.body.parties.length !== roles.length) {
        throw new SigningError('parties', `这张表单需要 ${roles.length} 位签署人，收到 ${r.body.parties.length} 位。`, 422);
      }
      return {
        sender: r.body.sender,
        summary: `签署《${definition.title}》`,
        recipients: r.body.parties.map((p, i) => ({ ...p, role: roles[i].label ?? roles[i].role })),
      };
    }
    case 'acknowledgment':
      return { sender: r.body.sender, summary: `阅读并确认《${r.body.title}》`, recipients: r.body.staff.map((s) => ({ name: s.name, email: s.email, role: '员工' })) };
    case 'process': {
      const opener = r.body.parties[r.body.openedBy ?? 'hr'];
      return {
        sender: opener,
        summary: `开立客户交接案件（移交人 ${r.body.parties.employee.name}，${r.body.department}）`,
        recipients: PROCESS_ROLES.map((role) => ({ ...r.body.parties[role], role: ROLE_LABEL[role] })),
      };
    }
  }
}

/** A stored request back as a typed one, checked by its endpoint's schema again. */
export function parseStored(kind: string, json: unknown): SendRequest {
  const schema = { case: createCaseBody, acknowledgment: acknowledgmentBody, process: openProcessBody }[kind as SendKind];
  const parsed = schema?.safeParse(json);
  if (!parsed?.success) throw new SigningError('request-changed', '这次发送的内容已无法读取（系统可能已升级）：请重新发起。', 409);
  return { kind, body: parsed.data } as SendRequest;
}

/** Runs the original create function, which mails the parties (queued in its transaction). */
export async function runRequest(deps: ProcessDeps, r: SendRequest, baseUrl: string): Promise<SendResult> {
  switch (r.kind) {
    case 'case': {
      const { definition, values, company, caseNumber } = formOf(r.body, deps.forms);
      const created = await createCase(deps, { definition, values, company, caseNumber, sender: r.body.sender, parties: r.body.parties, archiveEmail: r.body.archiveEmail, verification: r.body.verification, baseUrl });
      return { kind: 'case', ...created };
    }
    case 'acknowledgment':
      return { kind: 'acknowledgment', ...(await createAcknowledgment(deps, { ...r.body, baseUrl })) };
    case 'process': {
      const { openedBy: _, ...body } = r.body;
      return { kind: 'process', ...(await openProcess(deps, { ...body, baseUrl })) };
    }
  }
}
