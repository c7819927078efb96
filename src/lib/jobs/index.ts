export { enqueue, claim, completeJob, failJob, runJobs, backoffSeconds, nextDueInSeconds, sweepJobs } from './queue.js';
export type { Job, JobHandler, JobKind, JobKinds, JobRun, EnqueueOptions, RunOptions } from './queue.js';
export { failpoint, type FailpointName } from './failpoint.js';
