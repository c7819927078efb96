import { useRef, useState } from 'react';
import type { ProcessView } from '../../lib/process/view.js';
import { useWindowedRows } from '../form/useWindowedRows.js';
import { MATERIALS_LABEL, NOTICE_LABEL, SPOT_LABEL } from './labels.js';

type Filter = 'all' | 'attention' | 'sampled';
type Customer = ProcessView['customers'][number];

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
 * Every customer of the case and where each stands, with filters and a name search; with
 * `pick`, a tick box per customer (and one for all customers matching the filter). A case can
 * hold thousands of customers: a long list renders only the rows scrolled to (as the checklist's
 * table editor does), and prints every row of the current filter.
 */
export function CustomerTable({ customers, pick }: { customers: Customer[]; pick?: CustomerPick }) {
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const scrollRef = useRef<HTMLDivElement>(null);
  const q = query.trim().toLowerCase();
  const matching = customers.filter(
    (c) => (filter === 'all' || (filter === 'sampled' ? c.sampled : needsAttention(c))) && (!q || c.name.toLowerCase().includes(q)),
  );
  const win = useWindowedRows({ count: matching.length, scrollRef, estimate: 37, header: 36, printAll: true, keyOf: (i) => matching[i].id });
  const matchingPickable = pick ? matching.filter(pickable) : [];
  const allPicked = matchingPickable.length > 0 && matchingPickable.every((c) => pick!.ids.has(c.id));
  const toggle = (list: Customer[], on: boolean) => {
    if (!pick) return;
    const next = new Set(pick.ids);
    for (const c of list) if (on) next.add(c.id); else next.delete(c.id);
    pick.onChange(next);
  };
  return (
    <section>
      <h2>客户（{customers.length} 位）</h2>
      <div className="customer-tools">
        <div className="filters" role="group" aria-label="筛选客户">
          {(['all', 'attention', 'sampled'] as Filter[]).map((f) => (
            <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>{{ all: '全部', attention: '需关注', sampled: '抽查样本' }[f]}</button>
          ))}
        </div>
        <label className="customer-search">查找客户<input type="search" value={query} maxLength={100} onChange={(e) => setQuery(e.target.value)} placeholder="客户名称" /></label>
      </div>
      <p className="muted" role="status">{matching.length === customers.length ? `共 ${customers.length} 位` : `符合条件 ${matching.length} 位`}</p>
      {win.windowed && <p className="window-hint no-print">名单较长，表格只显示滚动到的部分：浏览器的查找（Ctrl+F）只能找到当前显示的行，请用上面的“查找客户”。</p>}
      <div ref={scrollRef} className={win.windowed ? 'rows-window' : undefined} tabIndex={win.windowed ? 0 : undefined} role={win.windowed ? 'region' : undefined} aria-label={win.windowed ? '客户名单（可滚动）' : undefined}>
        <table className="data customers" data-testid="customer-table" aria-rowcount={matching.length + 1}>
          <thead><tr aria-rowindex={1}>{pick && (
            <th className="pick">
              <input type="checkbox" checked={allPicked} disabled={matchingPickable.length === 0} onChange={(e) => toggle(matchingPickable, e.target.checked)} aria-label={`选中符合条件且未发送告知的 ${matchingPickable.length} 位客户`} />
            </th>
          )}<th>客户</th><th>等级</th><th>资料</th><th>拜访</th><th>电话抽查</th><th>客户确认</th></tr></thead>
          <tbody>
            {win.parts.map((part) => {
              if (part.kind === 'gap') return <tr key={part.key} className="window-gap" aria-hidden="true"><td colSpan={pick ? 7 : 6} style={{ height: part.height }} /></tr>;
              const c = matching[part.index];
              return (
                <tr key={c.id} data-index={part.index} ref={win.measure} aria-rowindex={part.index + 2} className={highlighted(c) ? 'attention' : undefined}>
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
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
