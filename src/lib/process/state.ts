import type { FormValues, Row } from '../form-data.js';
import type { SampleResult } from './sampling.js';
import type { ProcessRole, Stage } from './roles.js';

/**
 * Everything a customer-handover process has gathered, kept as one JSON document on the
 * process row: the plan as filled, the customers fixed when the plan is approved, and the
 * rows of each later stage's checklist (each row tied to its customer by `_cid`).
 */
export interface ProcessCustomer {
  id: string;
  name: string;
  grade: string;
  contact: string;
  phone: string;
  email: string;
  contractNo: string;
  amount: string;
  stage: string;
  renewalDate: string;
  risks: string;
  /** The customer notice (告知函) and the customer's answer. */
  notice?: { status: 'sent' | 'confirmed' | 'concern'; jti: string; sentAt: string; answeredAt?: string; comment?: string };
  /** Spot-check outcome for sampled customers. */
  spot?: 'pending' | 'passed' | 'failed';
  /** A failed spot-check sent this customer back to a visit. */
  revisit?: boolean;
}

/** Where the current stage is: being filled, waiting for line confirmations, out for signature, or sent back. */
export type StageStatus = 'editing' | 'signing' | 'returned';

export interface StageCase {
  stage: Stage;
  caseId: string;
  /** 'preparing': submitted, its document being rendered by a job (the signing case does not exist yet). */
  status: 'preparing' | 'open' | 'completed' | 'declined' | 'cancelled';
}

export interface ReturnNote {
  stage: Stage;
  by: string;
  comment: string;
  at: string;
}

export interface ProcessState {
  plan: FormValues;
  customers: ProcessCustomer[];
  materials: Row[];
  visits: Row[];
  calls: Row[];
  sample: (SampleResult & { drawnAt: string }) | null;
  report: FormValues | null;
  stageStatus: StageStatus;
  returns: ReturnNote[];
  stageCases: StageCase[];
  accountsRevokedAt: string | null;
}

export interface ProcessPartyInfo {
  role: ProcessRole;
  name: string;
  email: string;
}

export const emptyState = (plan: FormValues): ProcessState => ({
  plan,
  customers: [],
  materials: [],
  visits: [],
  calls: [],
  sample: null,
  report: null,
  stageStatus: 'editing',
  returns: [],
  stageCases: [],
  accountsRevokedAt: null,
});

/** Row keys starting with "_" are the process's own (customer id, revisit flags), never form data. */
export const formRow = (row: Row): Row => Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));

export const customerById = (state: ProcessState) => new Map(state.customers.map((c) => [c.id, c]));
