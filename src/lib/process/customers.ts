import { isRowEmpty, rowsOf, type FormValues, type Row } from '../form-data.js';
import { isReturnedLine } from './actions.js';
import { formRow, type ProcessCustomer, type ProcessState } from './state.js';

/** Fixes the customer list when the plan is approved; ids are stable for the life of the process. */
export function customersFromPlan(plan: FormValues): ProcessCustomer[] {
  return rowsOf(plan, 'customers')
    .filter((r) => !isRowEmpty(r))
    .map((r, i) => ({
      id: `c${i + 1}`,
      name: (r.name ?? '').trim(),
      grade: r.grade ?? '',
      contact: r.contact ?? '',
      phone: r.phone ?? '',
      email: (r.email ?? '').trim(),
      contractNo: r.contractNo ?? '',
      amount: r.amount ?? '',
      stage: r.stage ?? '',
      renewalDate: r.renewalDate ?? '',
      risks: r.risks ?? '',
    }));
}

/** One materials line per customer to start from: the contract file if there is one, else the customer file. */
export function initialMaterials(customers: ProcessCustomer[], plannedDate: string): Row[] {
  return customers.map((c) => ({
    _cid: c.id,
    customer: c.name,
    materialName: c.contractNo ? '合同及订单原件' : '客户档案（电子）',
    kind: c.contractNo ? '纸质' : '电子',
    contractNo: c.contractNo,
    copies: '1',
    location: '',
    plannedDate,
    handedDate: '',
    receiverConfirmed: '',
    status: '未交接',
    remark: '',
  }));
}

/** One visit per customer: A customers in person within the first-contact period, the rest by phone. */
export function initialVisits(customers: ProcessCustomer[], attendees: string, firstContactDue: string, visitsDue: string): Row[] {
  return customers.map((c) => ({
    _cid: c.id,
    customer: c.name,
    grade: c.grade,
    plannedDate: c.grade === 'A' ? firstContactDue : visitsDue,
    visitMode: c.grade === 'A' ? '上门' : '电话',
    attendees,
    purpose: '介绍新对接人，确认在办事项',
    actualDate: '',
    outcome: '',
    customerAccepts: '',
    followUp: '',
    status: '未交接',
  }));
}

/**
 * Takes rows edited in the browser and ties each to a customer by its `_cid` or, for new
 * rows, by the customer's name; rows naming no customer are errors. The `confirmColumns`
 * belong to the receiver: a line whose other content is unchanged keeps the stored
 * confirmation (even if the editor's copy was stale), a changed or new line is reset.
 */
export function tieRowsToCustomers(
  previous: Row[],
  edited: Row[],
  customers: ProcessCustomer[],
  confirmColumns: Record<string, string>,
): { rows: Row[]; errors: string[] } {
  const byId = new Map(customers.map((c) => [c.id, c]));
  const byName = new Map<string, ProcessCustomer>();
  for (const c of customers) if (!byName.has(c.name)) byName.set(c.name, c);
  const content = (r: Row) => {
    const own = formRow(r);
    for (const col of Object.keys(confirmColumns)) delete own[col];
    return `${r._cid}|${JSON.stringify(own, Object.keys(own).sort())}`;
  };
  const stored = new Map(previous.map((r) => [content(r), r]));
  const errors: string[] = [];
  const rows: Row[] = [];
  edited.forEach((raw, i) => {
    if (isRowEmpty(formRow(raw))) return;
    const name = (raw.customer ?? '').trim();
    const customer = raw._cid && byId.get(raw._cid)?.name === name ? byId.get(raw._cid) : byName.get(name);
    if (!customer) {
      errors.push(`第 ${i + 1} 行：客户“${name || '（空）'}”不在已批准的交接计划中`);
      return;
    }
    const row: Row = { ...formRow(raw), _cid: customer.id, customer: customer.name };
    const same = stored.get(content(row));
    for (const [col, reset] of Object.entries(confirmColumns)) row[col] = same ? same[col] ?? reset : reset;
    rows.push(row);
  });
  return { rows, errors };
}

/** Per-customer progress, as the case page and the CSV export show it. */
export interface CustomerProgress {
  id: string;
  name: string;
  grade: string;
  planned: boolean;
  materials: 'none' | 'pending' | 'returned' | 'confirmed';
  visited: boolean;
  revisit: boolean;
  sampled: boolean;
  spot: 'not-sampled' | 'pending' | 'passed' | 'failed';
  notice: 'none' | 'sent' | 'confirmed' | 'concern';
  noticeComment: string;
}

export function customerProgress(state: ProcessState): CustomerProgress[] {
  const materials = new Map<string, Row[]>();
  for (const r of state.materials) materials.set(r._cid, [...(materials.get(r._cid) ?? []), r]);
  const visits = new Map(state.visits.map((r) => [r._cid, r]));
  const sampled = new Set(state.sample?.ids ?? []);
  return state.customers.map((c) => {
    const lines = materials.get(c.id) ?? [];
    const visit = visits.get(c.id);
    return {
      id: c.id,
      name: c.name,
      grade: c.grade,
      planned: true,
      materials: lines.length === 0 ? 'none' : lines.every((l) => l.receiverConfirmed === '是') ? 'confirmed' : lines.some(isReturnedLine) ? 'returned' : 'pending',
      visited: !!visit && visit.status === '已交接' && !c.revisit,
      revisit: !!c.revisit,
      sampled: sampled.has(c.id),
      spot: sampled.has(c.id) ? c.spot ?? 'pending' : 'not-sampled',
      notice: c.notice?.status ?? 'none',
      noticeComment: c.notice?.comment ?? '',
    };
  });
}
