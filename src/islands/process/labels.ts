import { labelledTime } from '../../lib/time-format.js';
/** Status words of the case page. */
export const MATERIALS_LABEL = { none: '—', pending: '待点收', returned: '退回待补正', confirmed: '已点收' } as const;
export const SPOT_LABEL = { 'not-sampled': '未抽中', pending: '待回访', passed: '回访确认', failed: '未确认，需重访' } as const;
export const NOTICE_LABEL = { none: '未发送', sent: '待回复', confirmed: '已确认', concern: '有疑问' } as const;
export const STATUS_LABEL = { open: '进行中', completed: '已完成', cancelled: '已撤销' } as const;
export const SIGNER_LABEL: Record<string, string> = { waiting: '待轮到', sent: '已发送', viewed: '已查看', signed: '已签署', declined: '已退回修改' };
export const time = (iso: string) => labelledTime(iso);
export const todayIso = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
