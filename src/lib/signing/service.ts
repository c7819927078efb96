/**
 * The signing service, one use case per file (create, party, sign, finalize, manage, verify,
 * reminders, retention; shared parts in common.ts). This index keeps one import path for
 * api/ and the other services.
 */
export { sha256, readingText, authorize, assertPartyCanAct, type SigningDeps } from './common.js';
export { createCase, prepareCase, insertPreparedCase, createAcknowledgment, type CreateCaseInput, type PreparedCase, type AcknowledgmentInput } from './create.js';
export { viewAsParty, documentForParty, signatureFontForParty, type PartyView } from './party.js';
export { signAsParty, declineAsParty, askQuestion, MAX_QUESTIONS, type SignatureInput } from './sign.js';
export { signingJobs, stampSignatures, sealCase, STAMP_JOB, SEAL_JOB } from './finalize.js';
export { manageStatus, manageRobots, remindParty, remindAllPending, cancelCase, cancelCaseInTx, managerDocument, caseDocument } from './manage.js';
export { verifyDocument } from './verify.js';
export { sendDueReminders } from './reminders.js';
export { purgeClosedCases } from './retention.js';
