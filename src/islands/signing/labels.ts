/** Status words of a signing case, shared by the management page and the HR archive. */
export const CASE_LABEL = { open: '签署中', completed: '已完成', declined: '已拒签', cancelled: '已撤销' } as const;
