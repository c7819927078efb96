import { repo } from '../store/repo.js';
import { sha256, type SigningDeps } from './common.js';

/** Is this exactly a final PDF (or an employee's own copy) issued here? Byte-for-byte, by SHA-256. */
export async function verifyDocument(deps: SigningDeps, pdf: Uint8Array) {
  const hash = sha256(pdf);
  const c = await repo.findCaseByFinalHash(deps.sql, hash);
  if (c) return { valid: true as const, sha256: hash, caseNumber: c.case_number, title: c.title, company: c.company, completedAt: c.completed_at ? new Date(c.completed_at).toISOString() : null };
  const [copy] = await deps.sql.query<{ case_number: string; title: string; company: string | null; name: string; signed_at: Date | null }>(
    `SELECT c.case_number, c.title, c.company, p.name, p.signed_at FROM issued_copies i JOIN cases c ON c.id = i.case_id JOIN parties p ON p.id = i.party_id WHERE i.sha256 = $1`,
    [hash],
  );
  return copy
    ? { valid: true as const, sha256: hash, caseNumber: copy.case_number, title: copy.title, company: copy.company, completedAt: copy.signed_at ? new Date(copy.signed_at).toISOString() : null, copyOf: copy.name }
    : { valid: false as const, sha256: hash };
}

