/**
 * Crash-testing hook: HANDOVER_FAILPOINT names a point at which the process kills itself
 * (SIGKILL, no clean-up), so tests can prove that work cut off anywhere is neither lost nor
 * done twice. Names are listed here so a test cannot misspell one silently.
 */
export type FailpointName =
  | 'sign-before-commit'
  | 'finalize-before-commit'
  | 'stamp-before-commit'
  | 'seal-before-commit'
  | 'mail-after-send';

export function failpoint(name: FailpointName): void {
  if (process.env.HANDOVER_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
