/** Who takes part in a customer-handover process, and the stages it runs through. */
export const PROCESS_ROLES = ['employee', 'receiver', 'supervisor', 'manager', 'hr'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export const ROLE_LABEL: Record<ProcessRole, string> = {
  employee: '移交人',
  receiver: '接收人',
  supervisor: '监交人',
  manager: '分管经理',
  hr: 'HR/行政备案',
};

/** Signer labels in the form definitions → process roles. */
const SIGNER_ROLE: Record<string, ProcessRole> = {
  移交人: 'employee',
  接收人: 'receiver',
  监交人: 'supervisor',
  分管经理: 'manager',
  'HR/行政备案': 'hr',
};

export function roleOfSigner(label: string): ProcessRole {
  const role = SIGNER_ROLE[label];
  if (!role) throw new Error(`form signer "${label}" has no process role`);
  return role;
}

export const STAGES = ['B', 'C', 'D', 'E', 'F'] as const;
export type Stage = (typeof STAGES)[number];
export type StageOrDone = Stage | 'done';

export const STAGE_INFO: Record<Stage, { title: string; form: string; owner: ProcessRole }> = {
  B: { title: '客户交接计划', form: 'customer-handover', owner: 'employee' },
  C: { title: '客户资料移交', form: 'customer-materials-plan', owner: 'employee' },
  D: { title: '陪同拜访客户', form: 'customer-visit-plan', owner: 'receiver' },
  E: { title: '电话回访抽查', form: 'callback-spot-check', owner: 'supervisor' },
  F: { title: '客户交接报告', form: 'customer-handover-report', owner: 'employee' },
};

export const stageIndex = (s: StageOrDone) => (s === 'done' ? STAGES.length : STAGES.indexOf(s));
