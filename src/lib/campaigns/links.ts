/**
 * Where a staff member reads and confirms a policy: its own page (the policy as text, no
 * site navigation), not the signing page. The token stays in the fragment, as for signing.
 */
export const ackUrl = (base: string, caseId: string, token: string) => `${base}/ack/?c=${encodeURIComponent(caseId)}#t=${token}`;
