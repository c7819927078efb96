import { repo, type CaseRow, type PartyRow } from '../store/repo.js';
import { SigningError } from './errors.js';
import type { ReadingRecord } from './requests.js';
import { pdfRenders } from '../pdf/render-limit.js';
import { partyVerifications } from './verification/codes.js';
import { assertCaseOpen, auditEntry, authorize, nowOf, pdfEngine, readingRecords, returnsTo, sha256, type SigningDeps } from './common.js';

/** What a party sees through their link: the case, their turn, the document. */
export interface PartyView {
  kind: CaseRow['kind'];
  caseNumber: string;
  title: string;
  company: string | null;
  senderName: string;
  status: CaseRow['status'];
  order: CaseRow['signing_order'];
  you: { role: string; name: string; status: PartyRow['status'] };
  parties: Array<{ role: string; name: string; status: PartyRow['status']; signedAt: string | null }>;
  canSign: boolean;
  /** Why the party cannot sign now (already signed, waiting for someone …). */
  notice: string | null;
  /** A process document: sent back to this person (“移交人 欧阳明远”) for correction instead of declined. */
  returnsTo: string | null;
  /**
   * The party has signed and their signature is being stamped into the document (a job,
   * seconds): the page says so and asks again until their signed copy exists.
   */
  preparing: boolean;
}

/** Signed, not yet stamped into the document: the party's copy is still being made. */
const stampPending = (c: CaseRow, party: PartyRow) => c.kind !== 'acknowledgment' && party.status === 'signed' && !party.stamped_at;

export function toView(c: CaseRow, parties: PartyRow[], party: PartyRow): PartyView {
  let notice: string | null = null;
  let canSign = false;
  const preparing = stampPending(c, party);
  if (c.kind === 'acknowledgment' && party.status === 'signed') notice = '您已确认“已阅读并同意”，谢谢。';
  else if (preparing) notice = '签名已记录，正在生成您的签署副本…';
  else if (c.status === 'completed') notice = '所有人都已签署完毕，可以下载最终文件。';
  else if (party.status === 'signed') notice = '您已签署，下面是您签署后的文件（只读）。';
  else {
    // Sequential: the previous signature must be in the document before the next party signs it.
    const before = parties.find((p) => p.position < party.position && (p.status !== 'signed' || !p.stamped_at));
    if (c.signing_order === 'sequential' && before) notice = `还没轮到您签署：请等${before.role}签署后，系统会自动发邮件通知您。`;
    else canSign = true;
  }
  // Staff acknowledging a policy see their own line only, not the whole staff list.
  const shown = c.kind === 'acknowledgment' ? [party] : parties;
  return {
    kind: c.kind,
    caseNumber: c.case_number,
    title: c.title,
    company: c.company,
    senderName: c.sender_name,
    status: c.status,
    order: c.signing_order,
    you: { role: party.role, name: party.name, status: party.status },
    parties: shown.map((p) => ({ role: p.role, name: p.name, status: p.status, signedAt: p.signed_at ? new Date(p.signed_at).toISOString() : null })),
    canSign,
    notice,
    returnsTo: returnsTo(c, parties),
    preparing,
  };
}

export async function viewAsParty(deps: SigningDeps, caseId: string, token: string): Promise<PartyView> {
  return deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, caseId, token, false);
    assertCaseOpen(c, parties);
    if (party.status === 'sent') {
      await repo.updateParty(tx, party.id, { status: 'viewed' });
      await repo.addEvent(tx, caseId, party.id, 'viewed');
      party.status = 'viewed';
    }
    return toView(c, parties, party);
  });
}

/**
 * The document as the party may see it: the final PDF once complete, else the current one.
 * An employee who has acknowledged a policy gets their own copy instead — the policy and
 * their confirmation only — never the final record, whose audit page lists every
 * colleague's email, IP and browser (that is HR's, through the management link).
 */
export async function documentForParty(deps: SigningDeps, caseId: string, token: string): Promise<{ pdf: Uint8Array; final: boolean; caseNumber: string; title: string }> {
  const found = await deps.sql.transaction(async (tx) => {
    const { c, parties, party } = await authorize(tx, deps, caseId, token, false);
    assertCaseOpen(c, parties);
    if (c.kind === 'acknowledgment' && party.status === 'signed') {
      return { c, party, pdf: await repo.getPdf(tx, caseId, 'original_pdf'), own: true, reading: (await readingRecords(tx, caseId)).get(party.id) };
    }
    if (stampPending(c, party)) throw new SigningError('preparing', '签名已记录，正在生成您的签署副本，请稍等几秒后再打开。', 409);
    const final = c.status === 'completed';
    return { c, party, pdf: await repo.getPdf(tx, caseId, final ? 'final_pdf' : 'current_pdf'), own: false, reading: undefined };
  });
  const { c, party } = found;
  if (!found.pdf?.length) throw new SigningError('purged', '该文件已按数据保留期限清除。', 410);
  if (!found.own) return { pdf: found.pdf, final: c.status === 'completed', caseNumber: c.case_number, title: c.title };
  const pdf = await pdfRenders.run(() => ownCopy(deps, c, party, found.pdf!, found.reading));
  await deps.sql.query('INSERT INTO issued_copies (sha256, case_id, party_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [sha256(pdf), c.id, party.id]);
  return { pdf, final: true, caseNumber: c.case_number, title: c.title };
}

/**
 * The brush font (Ma Shan Zheng, 5.7 MB whole) cut to the characters of a typed name, so the
 * signing page previews the typed signature as it will be stamped. Only for a valid link.
 */
export async function signatureFontForParty(deps: SigningDeps, caseId: string, token: string, text: string): Promise<Uint8Array> {
  await deps.sql.transaction(async (tx) => {
    const { c, parties } = await authorize(tx, deps, caseId, token, false);
    assertCaseOpen(c, parties);
  });
  const { fontSubset } = await import('../pdf/fonts.js');
  return fontSubset('signature', text);
}

/**
 * An employee's copy of a policy they acknowledged: the policy as issued, an audit page with
 * their own confirmation, sealed as of their confirmation (the same bytes every time for the
 * same certificate), and recorded so /verify/ recognises it.
 */
async function ownCopy(deps: SigningDeps, c: CaseRow, party: PartyRow, policy: Uint8Array, reading?: ReadingRecord): Promise<Uint8Array> {
  const { appendAuditPage, sealPdf } = await pdfEngine();
  const withAudit = await appendAuditPage(policy, {
    caseNumber: c.case_number,
    title: c.title,
    originalSha256: c.document_sha256 ?? undefined,
    entries: [auditEntry(c, party, reading, (await deps.sql.transaction((tx) => partyVerifications(tx, c.id))).get(party.id))],
    note: '这是您本人的确认回执：只列出您自己的确认记录；全体员工的确认记录由发起人（HR）存档。',
  });
  const at = party.signed_at ? new Date(party.signed_at) : nowOf(deps);
  return sealPdf(withAudit.bytes, deps.cert, { reason: `${c.title} ${c.case_number} ${party.name} 已阅读并同意`, name: 'Handover Kit 工作交接', signingTime: at });
}

