import type { Sql } from '../store/sql.js';
import { verifyDocument, sha256, type SigningDeps } from './service.js';
import { partyVerifications } from './verification/codes.js';
import { timestampStatus, type TimestampStatus } from './timestamps.js';

/**
 * /verify/ for an uploaded PDF: is it, byte for byte, a document issued here (the final, the
 * final as first issued before its time-stamp was added, or an employee's own copy); who
 * signed and how each proved who they were; and what the PDF's own seal says — its
 * certificate, whether it still matches the bytes, and the trusted time-stamp.
 */
export interface EvidenceParty {
  role: string;
  name: string;
  signedAt: string | null;
  /** 'email' / 'sms' with the masked address and time, or 'link' (the emailed link alone). */
  verification: { method: 'email' | 'sms'; maskedTo: string; at: string } | { method: 'link' };
}

async function partiesOf(sql: Sql, caseId: string, onlyParty?: string): Promise<EvidenceParty[]> {
  const parties = await sql.query<{ id: string; role: string; name: string; signed_at: Date | null }>(
    'SELECT id, role, name, signed_at FROM parties WHERE case_id = $1 ORDER BY position',
    [caseId],
  );
  const verified = await partyVerifications(sql, caseId);
  return parties
    .filter((p) => !onlyParty || p.id === onlyParty)
    .map((p) => {
      const v = verified.get(p.id);
      return {
        role: p.role,
        name: p.name,
        signedAt: p.signed_at ? new Date(p.signed_at).toISOString() : null,
        verification: v ? { method: v.channel, maskedTo: v.maskedTo, at: v.verifiedAt.toISOString() } : { method: 'link' as const },
      };
    });
}

export async function verifyEvidence(deps: SigningDeps, pdf: Uint8Array) {
  const { readSeal } = await import('../pdf/seal-info.js');
  const seal = await readSeal(pdf);
  const found = await verifyDocument(deps, pdf);
  const hash = sha256(pdf);
  if (found.valid) {
    // Which case (and party, for an employee's own copy) the hash belongs to.
    const [own] = 'copyOf' in found && found.copyOf ? await deps.sql.query<{ case_id: string; party_id: string }>('SELECT case_id, party_id FROM issued_copies WHERE sha256 = $1', [hash]) : [];
    const [c] = own ? [{ id: own.case_id }] : await deps.sql.query<{ id: string }>('SELECT id FROM cases WHERE final_sha256 = $1', [hash]);
    const parties = c ? await partiesOf(deps.sql, c.id, own?.party_id) : [];
    const timestamp: TimestampStatus = c && !own ? await timestampStatus(deps.sql, c.id) : { state: 'none' };
    return { ...found, beforeTimestamp: false, parties, timestampStatus: timestamp.state, seal };
  }
  // The final PDF as mailed before the TSA answered: still ours, and the newer one carries the time-stamp.
  const [earlier] = await deps.sql.query<{ id: string; case_number: string; title: string; company: string | null; completed_at: Date | null }>(
    'SELECT id, case_number, title, company, completed_at FROM cases WHERE sealed_sha256 = $1',
    [hash],
  );
  if (earlier) {
    return {
      valid: true as const, sha256: hash, caseNumber: earlier.case_number, title: earlier.title, company: earlier.company,
      completedAt: earlier.completed_at ? new Date(earlier.completed_at).toISOString() : null,
      beforeTimestamp: true, parties: await partiesOf(deps.sql, earlier.id), timestampStatus: 'done' as const, seal,
    };
  }
  return { ...found, beforeTimestamp: false, parties: [] as EvidenceParty[], timestampStatus: 'none' as const, seal };
}
