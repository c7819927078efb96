/**
 * The PDF engine as the signing flow uses it, behind one dynamic import (see service.ts): a
 * cold function that only answers a link's view or a case's status never loads pdf-lib,
 * fontkit, HarfBuzz or the sealing stack.
 */
export { renderFormPdf } from '../pdf/form-pdf.js';
export { stampSignature } from '../pdf/stamp.js';
export { appendAuditPage } from '../pdf/audit.js';
export { sealPdf } from '../pdf/seal.js';
export { renderPolicyPdf } from '../pdf/policy-pdf.js';
export { markdownBlocks } from '../markdown-blocks.js';
export { sealWithTimestamp } from '../pdf/seal.js';
