/** Words of HR home, shared by the page and the CSV export (no imports: the page ships it). */
export type HomeKind = 'signing' | 'campaign' | 'process';
export type HomeStatus = 'open' | 'completed' | 'declined' | 'cancelled';

export const KIND_LABEL: Record<HomeKind, string> = { signing: '签署文件', campaign: '制度确认', process: '客户交接' };
export const HOME_STATUS_LABEL: Record<HomeKind, Record<HomeStatus, string>> = {
  signing: { open: '签署中', completed: '已完成', declined: '已拒签', cancelled: '已撤销' },
  campaign: { open: '确认中', completed: '全员已确认', declined: '已结束', cancelled: '已撤回' },
  process: { open: '进行中', completed: '已归档', declined: '已退回', cancelled: '已撤销' },
};
