import type { FormValues, Row } from '../form-data.js';
import type { ProcessCustomer, ProcessState } from './state.js';

export interface ReportContext {
  names: { employee: string; receiver: string; supervisor: string };
  department: string;
  openedOn: string;
  today: string;
  sampleSharePercent: number;
  sampleMin: number;
}

const amountOf = (c: ProcessCustomer) => Number((c.amount || '0').replace(/[,，\s]/g, '')) || 0;
const money = (n: number) => n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const AT_RISK_STAGES = new Set(['暂停', '已流失']);
const OPEN_STAGES = new Set(['洽谈中', '执行中', '待续约']);

/**
 * Words people type into a risk cell to say there is none. NFKC folds full-width forms
 * (－ ／ Ｎ／Ａ) into these; a trailing 。 or . is dropped before comparing.
 */
const NO_RISK = new Set(['无', '没有', '暂无', '暂未发现', '未发现', '无风险', '暂无风险', '没有风险', '否', 'n/a', 'na', 'none', 'nil', 'null']);

/** Whether a risk cell says nothing: blank, “无”, “暂无”, “—”, “/”, “N/A” and the like. */
export function saysNoRisk(text: string): boolean {
  const t = text.normalize('NFKC').trim().toLowerCase().replace(/[。.]+$/u, '').trim();
  // Dashes, slashes, dots and spaces only (—, --, ——, /, …), or a word from the list.
  return t === '' || /^[\s\-‐‑‒–—―─_/\\.。·…、,，]+$/u.test(t) || NO_RISK.has(t);
}

/** Rows a table of the report form holds (customer-handover-report: problems, followUps). */
export const REPORT_TABLE_ROWS = 300;

/**
 * A 1,000-customer case drafts 800 follow-ups: more than the form's table holds, and the
 * submit was refused. The first rows stay; one last row says how many more there are.
 */
function capRows(rows: Row[], more: (rest: number) => Row): Row[] {
  if (rows.length <= REPORT_TABLE_ROWS) return rows;
  return [...rows.slice(0, REPORT_TABLE_ROWS - 1), more(rows.length - REPORT_TABLE_ROWS + 1)];
}

/** Customers whose follow-up matters most first when not all fit: A grade, then the soonest renewal (else the list's order). */
function byPriority(cs: ProcessCustomer[]): ProcessCustomer[] {
  if (cs.length <= REPORT_TABLE_ROWS) return cs;
  const grade = (c: ProcessCustomer) => (c.grade.trim().toUpperCase() === 'A' ? 0 : 1);
  return cs.map((c, i) => ({ c, i })).sort((a, b) => grade(a.c) - grade(b.c) || (a.c.renewalDate || '9999').localeCompare(b.c.renewalDate || '9999') || a.i - b.i).map((x) => x.c);
}

/**
 * The handover report as the system drafts it from the case: counts, open contracts,
 * customers at risk, problems found along the way. The departing employee edits it
 * before it goes to the reviewers.
 */
export function draftReport(state: ProcessState, ctx: ReportContext): FormValues {
  const cs = state.customers;
  const grades = ['A', 'B', 'C'].map((g) => `${g} 级 ${cs.filter((c) => c.grade === g).length} 家`).join('、');
  const total = cs.reduce((s, c) => s + amountOf(c), 0);
  const visited = state.visits.filter((v) => v.status === '已交接');
  const onsite = visited.filter((v) => v.visitMode === '上门').length;
  const accepted = visited.filter((v) => v.customerAccepts === '是').length;
  const sampled = new Set(state.sample?.ids ?? []);
  const checked = cs.filter((c) => sampled.has(c.id) && state.calls.some((r) => r._cid === c.id && r.reached === '已接通'));
  const passed = cs.filter((c) => sampled.has(c.id) && c.spot === 'passed');
  const failedOnce = new Set(state.calls.filter((r) => r.reached === '已接通' && r.handoverConfirmed === '否').map((r) => r._cid));
  const notices = cs.filter((c) => c.notice);
  const concerns = cs.filter((c) => c.notice?.status === 'concern');
  const byId = new Map(cs.map((c) => [c.id, c]));

  const problems: Row[] = [];
  for (const id of failedOnce) {
    const c = byId.get(id)!;
    problems.push({ problem: '电话抽查时客户表示未获知交接', customer: c.name, impact: '高', resolution: '退回陪同拜访并重新交接，复查确认', owner: ctx.names.receiver, dueDate: '', progress: c.spot === 'passed' ? '已解决' : '处理中' });
  }
  for (const c of concerns) {
    problems.push({ problem: `客户回复告知函提出疑问：${(c.notice?.comment ?? '').slice(0, 80)}`, customer: c.name, impact: '中', resolution: '列入电话抽查并当面沟通', owner: ctx.names.receiver, dueDate: '', progress: c.spot === 'passed' ? '已解决' : '处理中' });
  }
  for (const v of visited.filter((x) => x.customerAccepts === '否')) {
    problems.push({ problem: '客户暂不认可新对接人', customer: v.customer, impact: '高', resolution: '由监交人协调，必要时调整对接人', owner: ctx.names.supervisor, dueDate: '', progress: '未处理' });
  }
  // A risk cell that says "none" is not a problem: 99 rows of “客户存在风险：无” once pushed a
  // 300-customer report over the table's limit and the submit was refused.
  for (const c of cs.filter((x) => !saysNoRisk(x.risks) || AT_RISK_STAGES.has(x.stage))) {
    problems.push({ problem: `客户存在风险：${saysNoRisk(c.risks) ? c.stage : c.risks.trim()}`.slice(0, 200), customer: c.name, impact: c.grade === 'A' ? '高' : '中', resolution: '', owner: ctx.names.receiver, dueDate: '', progress: '未处理' });
  }
  const followUps: Row[] = byPriority(cs.filter((c) => OPEN_STAGES.has(c.stage)))
    .map((c) => ({
      item: `${c.stage === '待续约' ? '办理续约' : c.stage === '洽谈中' ? '继续洽谈' : '跟进合同执行'}${c.contractNo ? `（${c.contractNo}）` : ''}`,
      customer: c.name,
      owner: ctx.names.receiver,
      dueDate: c.renewalDate,
      remark: c.amount ? `合同金额 ${money(amountOf(c))} 元` : '',
    }));

  const summary = [
    `本次交接客户共 ${cs.length} 家（${grades}），涉及合同金额合计 ${money(total)} 元。`,
    `资料移交 ${state.materials.length} 条，接收人已逐条点收。`,
    `接收人与移交人共同拜访或联系客户 ${visited.length} 家，其中上门 ${onsite} 家，${accepted} 家客户认可新对接人。`,
    notices.length ? `向 ${notices.length} 家客户发出交接告知，${cs.filter((c) => c.notice?.status === 'confirmed').length} 家回复确认，${concerns.length} 家提出疑问。` : '',
    `监交人按“A 级客户全部回访、其余抽取 ${ctx.sampleSharePercent}%（至少 ${ctx.sampleMin} 家）”抽查 ${sampled.size} 家，接通 ${checked.length} 家，确认已获知交接 ${passed.length} 家${failedOnce.size ? `；其中 ${failedOnce.size} 家首次回访未确认，已重新拜访` : ''}。`,
  ].filter(Boolean).join('');

  const open = problems.filter((p) => p.progress !== '已解决').length;
  // Counted before capping: the conclusion speaks of every open problem, not only the rows shown.
  return {
    giverName: ctx.names.employee,
    department: ctx.department,
    receiverName: ctx.names.receiver,
    witnessName: ctx.names.supervisor,
    handoverStart: ctx.openedOn,
    handoverEnd: ctx.today,
    reportDate: ctx.today,
    customerTotal: String(cs.length),
    handedTotal: String(visited.length),
    visitedTotal: String(visited.length),
    spotCheckedTotal: String(checked.length),
    spotConfirmedTotal: String(passed.length),
    contractAmount: total.toFixed(2),
    summary,
    problems: capRows(problems, (rest) => ({ problem: `另有 ${rest} 个问题未逐条列出`, customer: '见案件客户表', impact: '中', resolution: '完整清单可从案件页面导出（CSV）', owner: ctx.names.receiver, dueDate: '', progress: '处理中' })),
    followUps: capRows(followUps, (rest) => ({ item: `另有 ${rest} 家客户的跟进事项未逐条列出`, customer: '见案件客户表', owner: ctx.names.receiver, dueDate: '', remark: '完整清单可从案件页面导出（CSV）' })),
    conclusion: open === 0 && followUps.length === 0 ? '交接完成' : '基本完成需跟进',
    conclusionNote: open ? `尚有 ${open} 个问题未解决，由接收人跟进。` : '',
  };
}
