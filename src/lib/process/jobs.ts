import type { JobKinds } from '../jobs/index.js';
import type { SendMail } from '../signing/outbox.js';
import { noticeJobs } from './notice-send.js';
import { stageDocumentJobs, type ProcessDeps } from './service.js';

/** The customer-handover process's job kinds (stage documents, customer notices), run by the same workers as signing's. */
export function processJobs(deps: ProcessDeps, send: SendMail): JobKinds {
  return { ...stageDocumentJobs(deps), ...noticeJobs(deps, send) };
}
