import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import type { ProcessView } from '../../lib/process/view.js';
import { MATERIALS_LABEL, NOTICE_LABEL, SPOT_LABEL } from './labels.js';

type Filter = 'all' | 'attention' | 'sampled';
type Customer = ProcessView['customers'][number];

/** Rows shown at first; a case can hold thousands of customers and the page should stay quick. */
export const CUSTOMER_PAGE = 200;

/** Rows marked red: something went wrong for this customer. */
const highlighted = (c: Customer) => c.revisit || c.spot === 'failed' || c.notice === 'concern' || c.materials === 'returned';
/** 需关注 also lists customers whose materials are still waiting to be received. */
const needsAttention = (c: Customer) => highlighted(c) || c.materials === 'pending';

/** Tick boxes for choosing customers (whom to send the notice to). */
export interface CustomerPick {
  ids: Set<string>;
  onChange: (ids: Set<string>) => void;
}

/** Customers already sent the notice cannot be ticked: they would only be skipped. */
const pickable = (c: Customer) => c.notice === 'none';

/**
 * Every customer of the case and where each stands, with filters, a name search and paging;
 * with `pick`, a tick box per customer (and one for all customers matching the filter).
 */
export function CustomerTable({ customers, pick }: { customers: Customer[]; pick?: CustomerPick }) {
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(CUSTOMER_PAGE);
  const q = query.trim().toLowerCase();
  const matching = customers.filter(
    (c) => (filter === 'all' || (filter === 'sampled' ? c.sampled : needsAttention(c))) && (!q || c.name.toLowerCase().includes(q)),
  );
  const visible = matching.slice(0, shown);
  const matchingPickable = pick ? matching.filter(pickable) : [];
  const allPicked = matchingPickable.length > 0 && matchingPickable.every((c) => pick!.ids.has(c.id));
  const toggle = (list: Customer[], on: boolean) => {
    if (!pick) return;
    const next = new Set(pick.ids);
    for (const c of list) if (on) next.add(c.id); else next.delete(c.id);
    pick.onChange(next);
  };
  // A printed case lists every customer in the current filter, not just the first page.
  useEffect(() => {
    const showAll = () => flushSync(() => setShown(Number.MAX_SAFE_INTEGER));
    window.addEventListener('beforeprint', showAll);
    return () => window.removeEventListener('beforeprint', showAll);
  }, []);
  return (
    <section>
      <h2>客户（{customers.length} 位）</h2>
      <div className="customer-tools">
        <div className="filters" role="group" aria-label="筛选客户">
          {(['all', 'attention', 'sampled'] as Filter[]).map((f) => (
            <button key={f} type="button" aria-pressed={filter === f} onClick={() => { setFilter(f); setShown(CUSTOMER_PAGE); }}>{{ all: '全部', attention: '需关注', sampled: '抽查样本' }[f]}</button>
          ))}
        </div>
        <label className="customer-search">查找客户<input type="search" value={query} maxLength={100} onChange={(e) => { setQuery(e.target.value); setShown(CUSTOMER_PAGE); }} placeholder="客户名称" /></label>
      </div>
      <p className="muted" role="status">{matching.length === customers.length ? `共 ${customers.length} 位` : `符合条件 ${matching.length} 位`}{visible.length < matching.length && `，显示前 ${visible.length} 位`}</p>
      <table className="data customers" data-testid="customer-table">
        <thead><tr>{pick && (
          <th className="pick">
            <input type="checkbox" checked={allPicked} disabled={matchingPickable.length === 0} onChange={(e) => toggle(matchingPickable, e.target.checked)} aria-label={`选中符合条件且未发送告知的 ${matchingPickable.length} 位客户`} />
          </th>
        )}<th>客户</th><th>等级</th><th>资料</th><th>拜访</th><th>电话抽查</th><th>客户确认</th></tr></thead>
        <tbody>
          {visible.map((c) => (
            <tr key={c.id} className={highlighted(c) ? 'attention' : undefined}>
              {pick && (
                <td className="pick">
                  <input type="checkbox" checked={pick.ids.has(c.id)} disabled={!pickable(c)} onChange={(e) => toggle([c], e.target.checked)} aria-label={`通知 ${c.name}`} title={pickable(c) ? undefined : '已发送过告知'} />
                </td>
              )}
              <td>{c.name}</td><td>{c.grade}</td><td>{MATERIALS_LABEL[c.materials]}</td>
              <td>{c.revisit ? '需重新拜访' : c.visited ? '已拜访' : c.plannedVisit ? `计划 ${c.plannedVisit}` : '—'}</td>
              <td>{SPOT_LABEL[c.spot]}</td>
              <td title={c.noticeComment}>{NOTICE_LABEL[c.notice]}{c.noticeComment && `：${c.noticeComment}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {visible.length < matching.length && (
        <div className="actions no-print">
          <button type="button" onClick={() => setShown(shown + CUSTOMER_PAGE)}>再显示 {Math.min(CUSTOMER_PAGE, matching.length - visible.length)} 位</button>
          <button type="button" onClick={() => setShown(matching.length)}>显示全部 {matching.length} 位</button>
        </div>
      )}
    </section>
  );
}
