export { enqueue, claim, completeJob, failJob, runJobs, backoffSeconds, nextDueInSeconds, sweepJobs, enqueueStatement } from './queue.js';
export type { Job, JobHandler, JobKind, JobKinds, JobRun, EnqueueOptions, RunOptions, QueuedJob } from './queue.js';
export { failpoint, type FailpointName } from './failpoint.js';
