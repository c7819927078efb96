import { z } from 'zod';
import { parseDuration, parsePercent } from './calendar.js';

/**
 * The numbers a process runs by. Defaults come from the policy template the case is opened
 * from (its variables), and HR may change them when opening the case.
 */
export const processSettingsSchema = z
  .object({
    /** Working days from opening for the customer plan to be approved. */
    planDays: z.number().int().min(1).max(60),
    /** Working days after the last working day to revoke system accounts. */
    accountDays: z.number().int().min(0).max(30),
    /** Calendar days after the last working day for the receiver's first contact with every customer. */
    firstContactDays: z.number().int().min(1).max(90),
    /** Calendar days after the last working day for all joint visits. */
    visitDays: z.number().int().min(1).max(180),
    /** Working days after the visit deadline for the spot-check calls. */
    spotCheckDays: z.number().int().min(1).max(60),
    /** Working days after the spot-check deadline for the approved report. */
    reportDays: z.number().int().min(1).max(60),
    /** Share of non-A customers called back (0–1); every A customer is always called. */
    sampleShare: z.number().min(0).max(1),
    /** Fewest customers called back in all. */
    sampleMin: z.number().int().min(0).max(100),
  })
  .strict();
export type ProcessSettings = z.infer<typeof processSettingsSchema>;

export const DEFAULT_SETTINGS: ProcessSettings = {
  planDays: 3,
  accountDays: 1,
  firstContactDays: 7,
  visitDays: 30,
  spotCheckDays: 5,
  reportDays: 5,
  sampleShare: 0.2,
  sampleMin: 3,
};

/** Policy variable keys that set a process setting. */
const FROM_VARIABLE: Array<[string, keyof ProcessSettings]> = [
  ['planDeadline', 'planDays'],
  ['accountRevocationDeadline', 'accountDays'],
  ['firstContactDeadline', 'firstContactDays'],
  ['visitDeadline', 'visitDays'],
  ['spotCheckDeadline', 'spotCheckDays'],
  ['reportDeadline', 'reportDays'],
];

/** Settings from a policy's variable defaults (or HR's values), falling back to the defaults. */
export function settingsFromPolicy(variables: Record<string, string>): ProcessSettings {
  const s = { ...DEFAULT_SETTINGS };
  for (const [key, setting] of FROM_VARIABLE) {
    const d = variables[key] ? parseDuration(variables[key]) : null;
    if (d && d.days > 0) s[setting] = d.days;
  }
  const share = variables.spotCheckRatio ? parsePercent(variables.spotCheckRatio) : null;
  if (share !== null) s.sampleShare = share;
  return processSettingsSchema.parse(s);
}
