/** Status words of a signing case, shared by the management page and the HR archive. */
export const CASE_LABEL = { open: '签署中', completed: '已完成', declined: '已拒签', cancelled: '已撤销' } as const;
/** The same for a document of a customer-handover process: sent back for correction, never declined for good. */
export const PROCESS_CASE_LABEL = { ...CASE_LABEL, declined: '已退回修改' } as const;
/** A signer's status words (the signing page and the management page). */
export const PARTY_LABEL: Record<string, string> = { waiting: '未轮到', sent: '已发送', viewed: '已查看', signed: '已签署', declined: '已拒签' };
export const PROCESS_PARTY_LABEL: Record<string, string> = { ...PARTY_LABEL, declined: '已退回修改' };
