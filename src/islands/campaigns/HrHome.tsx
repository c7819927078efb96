import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { postForBlob, postJson } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { useHydrated } from '../useHydrated.js';
import { beijingDate } from '../../lib/time-format.js';
import { HOME_STATUS_LABEL, KIND_LABEL } from '../../lib/campaigns/labels.js';
import type { HomeListing } from '../../lib/campaigns/home.js';
import './campaigns.css';

/**
 * HR home (工作台): everything sent — signing cases, acknowledgment campaigns, customer
 * handovers — in one list, for HR admins signed in by an emailed link. Filters, search,
 * pages, and the filtered list as CSV.
 */
type Listing = HomeListing & { email: string };
const EMPTY = { kind: '', status: '', overdue: '', from: '', to: '', q: '' };
type Filters = typeof EMPTY;

const body = (f: Filters, page: number) => ({
  kind: f.kind, status: f.status, from: f.from, to: f.to, q: f.q, page, ...(f.overdue ? { overdue: f.overdue === 'yes' } : {}),
});

export default function HrHome() {
  const hydrated = useHydrated();
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [email, setEmail] = useState('');
  const [info, setInfo] = useState('');
  const [error, setError] = useState('');
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [list, setList] = useState<Listing | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (f: Filters, page = 1) => {
    setBusy(true);
    const r = await postJson<Listing>('/api/campaigns', { action: 'home', ...body(f, page) });
    setBusy(false);
    if (r.ok) {
      setState('signed-in');
      setList(r.data);
      setEmail(r.data.email);
      setError('');
    } else if (state === 'signed-in') setError(r.error);
    else setState('signed-out');
  }, [state]);

  useEffect(() => {
    const token = new URLSearchParams(location.hash.slice(1)).get('t');
    if (!token) return void load(EMPTY);
    history.replaceState(null, '', location.pathname); // the link is spent; keep it out of history
    void postJson('/api/admin', { action: 'sign-in', token }).then((r) => {
      if (r.ok) return void load(EMPTY);
      setError(r.error);
      setState('signed-out');
    });
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const requestLink = async (e: FormEvent) => {
    e.preventDefault();
    const r = await postJson<{ message: string }>('/api/campaigns', { action: 'request-link', email });
    if (r.ok) setInfo(r.data.message);
    else setError(r.error);
  };

  const exportCsv = async () => {
    setBusy(true);
    const r = await postForBlob('/api/campaigns', { action: 'home-csv', ...body(filters, 1) });
    setBusy(false);
    if (r.ok) downloadBlob(`HR工作台-${beijingDate(new Date())}.csv`, r.blob);
    else setError(r.error);
  };

  if (state === 'checking') return <p aria-busy="true">正在检查登录状态…</p>;
  if (state === 'signed-out') {
    return (
      <form className="camp admin-sign-in" onSubmit={requestLink}>
        {error && <p className="alert" role="alert">{error}</p>}
        <p>HR 工作台只对 HR 管理员开放。输入您的工作邮箱，我们会发送一次性登录链接。</p>
        <label>工作邮箱<input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} name="email" disabled={!hydrated} /></label>
        <p className="actions"><button type="submit" className="primary" disabled={!hydrated}>发送登录链接</button></p>
        {info && <p className="success" role="status">{info}</p>}
      </form>
    );
  }
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setFilters({ ...filters, [k]: e.target.value });
  const items = list?.items ?? [];
  return (
    <div className="camp">
      <p className="muted">
        已登录：{email}{' '}
        <button type="button" onClick={() => void postJson('/api/admin', { action: 'sign-out' }).then(() => { setList(null); setInfo('已退出登录。'); setState('signed-out'); })}>退出登录</button>
        {' '}· <a href="/archive/">交接档案（按部门）</a> · <a href="/robots/">群机器人通知</a>
      </p>
      <p className="muted">发起制度确认：在<a href="/">制度模板</a>中定制一份制度后点“发给员工确认…”。</p>
      {error && <p className="alert" role="alert">{error}</p>}
      <form className="home-filters" onSubmit={(e) => { e.preventDefault(); void load(filters); }} aria-label="筛选">
        <label>类型<select value={filters.kind} onChange={set('kind')} name="kind"><option value="">全部</option><option value="campaign">制度确认</option><option value="signing">签署文件</option><option value="process">客户交接</option></select></label>
        <label>状态<select value={filters.status} onChange={set('status')} name="status"><option value="">全部</option><option value="open">进行中</option><option value="completed">已完成</option><option value="declined">已拒签</option><option value="cancelled">已撤销 / 已撤回</option></select></label>
        <label>逾期<select value={filters.overdue} onChange={set('overdue')} name="overdue"><option value="">全部</option><option value="yes">只看逾期</option><option value="no">未逾期</option></select></label>
        <label>发起日期从<input type="date" value={filters.from} onChange={set('from')} name="from" /></label>
        <label>到<input type="date" value={filters.to} onChange={set('to')} name="to" /></label>
        <label className="search">搜索（标题、人员姓名或邮箱、编号）<input type="search" value={filters.q} maxLength={60} onChange={set('q')} name="q" /></label>
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>筛选</button>
          <button type="button" onClick={() => { setFilters(EMPTY); void load(EMPTY); }} disabled={busy}>清除</button>
          <button type="button" onClick={() => void exportCsv()} disabled={busy || !list?.matches}>导出 CSV</button>
        </p>
      </form>
      <p className="muted" data-testid="home-count" aria-live="polite">共 {list?.matches ?? 0} 项{list && list.pages > 1 ? `，第 ${list.page} / ${list.pages} 页` : ''}</p>
      {items.length > 0 ? (
        <table className="camp-table cards" data-testid="home-list">
          <thead><tr><th>类型</th><th>标题</th><th>状态</th><th>进度</th><th>相关人员</th><th>发起时间</th></tr></thead>
          <tbody>
            {items.map((i) => (
              <tr key={`${i.kind}:${i.id}`}>
                <td data-label="类型">{KIND_LABEL[i.kind]}</td>
                <td data-label="标题">
                  {i.href ? <a href={i.href}>{i.title}</a> : i.title}
                  <div className="muted">{i.caseNumber}</div>
                </td>
                <td data-label="状态">{HOME_STATUS_LABEL[i.kind][i.status]}{i.overdue && <> <span className="badge late" title="有人的链接已过期，或已发出 3 天以上仍有人未处理；客户交接为有期限已过">逾期</span></>}</td>
                <td data-label="进度">{i.progress}</td>
                <td data-label="相关人员">{i.people}</td>
                <td data-label="发起时间">{beijingDate(i.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>没有符合条件的记录。</p>
      )}
      {list && list.pages > 1 && (
        <nav className="pager" aria-label="翻页">
          <button type="button" disabled={busy || list.page <= 1} onClick={() => void load(filters, list.page - 1)}>上一页</button>
          <span>第 {list.page} / {list.pages} 页</span>
          <button type="button" disabled={busy || list.page >= list.pages} onClick={() => void load(filters, list.page + 1)}>下一页</button>
        </nav>
      )}
      <p className="muted">签署文件的 PDF 在<a href="/archive/">交接档案</a>中下载；“逾期”：仍有人未处理，且其链接已过期或已发出 3 天以上；客户交接为有期限已过。</p>
    </div>
  );
}
