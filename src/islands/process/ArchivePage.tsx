import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { postForBlob, postJson } from '../api.js';
import { downloadBlob } from '../form/download.js';
import { useHydrated } from '../useHydrated.js';
import { STATUS_LABEL } from './labels.js';
import { CASE_LABEL } from '../signing/labels.js';
import type { ArchiveListing } from '../../lib/process/admin.js';
import './process.css';
import { beijingDate } from '../../lib/time-format.js';

type ArchiveList = ArchiveListing & { email: string };
type ListedCase = ArchiveListing['cases'][number];

const STAGE_NAME: Record<string, string> = { B: '交接计划', C: '资料移交', D: '陪同拜访', E: '电话抽查', F: '交接报告', done: '已归档' };

/** HR's archive: sign in by emailed link, then every case, filterable by department, status and date. */
export default function ArchivePage() {
  const hydrated = useHydrated();
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [email, setEmail] = useState('');
  const [info, setInfo] = useState('');
  const [error, setError] = useState('');
  const [filters, setFilters] = useState({ kind: '', department: '', status: '', from: '', to: '' });
  const [list, setList] = useState<ArchiveList | null>(null);
  const [downloading, setDownloading] = useState('');
  // The filters the shown list was read with, so a background refresh keeps to them.
  const [applied, setApplied] = useState(filters);

  const load = useCallback(async (f = filters) => {
    const r = await postJson<ArchiveList>('/api/admin', { action: 'list', ...f });
    if (r.ok) {
      setState('signed-in');
      setEmail(r.data.email);
      setList(r.data);
      setApplied(f);
      setError('');
    } else setState('signed-out');
    return r.ok;
  }, [filters]);

  useEffect(() => {
    const token = new URLSearchParams(location.hash.slice(1)).get('t');
    if (token) {
      history.replaceState(null, '', location.pathname); // the link is spent; keep it out of history
      void postJson('/api/admin', { action: 'sign-in', token }).then((r) => {
        if (r.ok) return void load();
        setError(r.error);
        setState('signed-out');
      });
    } else void load();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  // A case sent a moment ago has its document rendered in the background; look again until it is there.
  const preparing = list?.cases.some((c) => c.preparing) ?? false;
  useEffect(() => {
    if (!preparing) return;
    const t = setTimeout(() => void load(applied), 2000);
    return () => clearTimeout(t);
  }, [list, preparing, applied, load]);

  const requestLink = async (e: FormEvent) => {
    e.preventDefault();
    const r = await postJson<{ message: string }>('/api/admin', { action: 'request-link', email });
    if (r.ok) setInfo(r.data.message);
    else setError(r.error);
  };

  if (state === 'checking') return <p aria-busy="true">正在检查登录状态…</p>;
  if (state === 'signed-out') {
    return (
      <form className="admin-sign-in" onSubmit={requestLink}>
        {error && <p className="alert" role="alert">{error}</p>}
        <p>交接档案只对 HR 管理员开放。输入您的工作邮箱，我们会发送一次性登录链接。</p>
        <label>工作邮箱<input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} name="email" disabled={!hydrated} /></label>
        <button type="submit" className="primary" disabled={!hydrated}>发送登录链接</button>
        {info && <p className="success" role="status">{info}</p>}
      </form>
    );
  }
  const download = async (c: ListedCase) => {
    setDownloading(c.id);
    const r = await postForBlob('/api/admin', { action: 'document', caseId: c.id });
    setDownloading('');
    if (r.ok) downloadBlob(`${c.title}-${c.caseNumber}${c.status === 'completed' ? '-已签署' : ''}.pdf`, r.blob);
    else setError(r.error);
  };
  const processes = list?.processes ?? [];
  const cases = list?.cases ?? [];
  return (
    <div className="archive">
      <p className="muted">
        已登录：{email}{' '}
        <button
          type="button"
          onClick={() =>
            void postJson('/api/admin', { action: 'sign-out' }).then((r) => {
              if (!r.ok) return setError(r.error);
              setList(null);
              setInfo('已退出登录：这次登录已在服务器上作废。');
              setState('signed-out');
            })
          }
        >
          退出登录
        </button>{' '}
        · <a href="/hr/">HR 工作台（全部发出）</a> · <a href="/robots/">群机器人通知（企业微信、钉钉、飞书）</a>
      </p>
      {error && <p className="alert" role="alert">{error}</p>}
      <form className="filters grid4" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>类型<select value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value })} name="kind"><option value="">全部</option><option value="process">客户交接案件</option><option value="signing">签署文件</option></select></label>
        <label>部门<input value={filters.department} onChange={(e) => setFilters({ ...filters, department: e.target.value })} name="department" /></label>
        <label>状态<select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })} name="status"><option value="">全部</option><option value="open">进行中</option><option value="completed">已完成</option><option value="declined">已拒签（签署文件）</option><option value="cancelled">已撤销</option></select></label>
        <label>开立日期从<input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} name="from" /></label>
        <label>到<input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} name="to" /></label>
        <button type="submit">筛选</button>
      </form>

      {filters.kind !== 'signing' && (
        <section>
          <h2>客户交接案件（{processes.length}{list && processes.length >= list.limit ? '+' : ''}）</h2>
          {processes.length > 0 ? (
            <table className="data" data-testid="archive-list">
              <thead><tr><th>案件编号</th><th>部门</th><th>移交人</th><th>客户数</th><th>阶段</th><th>状态</th><th>最后工作日</th><th>开立时间</th></tr></thead>
              <tbody>
                {processes.map((p) => (
                  <tr key={p.id}>
                    <td><a href={`/case/?p=${encodeURIComponent(p.id)}`}>{p.caseNumber}</a></td><td>{p.department}</td><td>{p.employee}</td><td>{p.customers}</td>
                    <td>{STAGE_NAME[p.stage]}</td><td>{STATUS_LABEL[p.status]}</td><td>{p.lastWorkingDay}</td><td>{beijingDate(p.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p>没有符合条件的客户交接案件。</p>}
        </section>
      )}

      {filters.kind !== 'process' && (
        <section>
          <h2>签署文件（{cases.length}{list && cases.length >= list.limit ? '+' : ''}）</h2>
          <p className="muted">从交接清单或定制模板单独发起的签署；客户交接案件各阶段的文件在案件页面和导出的 ZIP 中。</p>
          {cases.length > 0 ? (
            <table className="data" data-testid="archive-cases">
              <thead><tr><th>编号</th><th>文件</th><th>部门</th><th>移交人</th><th>签署进度</th><th>状态</th><th>发起时间</th><th>PDF</th></tr></thead>
              <tbody>
                {cases.map((c) => (
                  <tr key={c.id}>
                    <td>{c.caseNumber}</td><td>{c.kind === 'acknowledgment' ? <a href={`/hr/campaign/?c=${encodeURIComponent(c.id)}`}>{c.title}（制度确认）</a> : c.title}</td><td>{c.department || '—'}</td><td>{c.giver || '—'}</td>
                    <td>{c.signed} / {c.parties}</td><td>{CASE_LABEL[c.status]}</td><td>{beijingDate(c.createdAt)}</td>
                    <td>{c.purged && c.status !== 'completed' ? '已按保留期限清除' : c.preparing ? <span className="muted" data-testid="archive-preparing">正在生成文件…</span> : (
                      <button type="button" disabled={downloading === c.id} onClick={() => void download(c)} title={`${c.title} ${c.caseNumber}`}>
                        {downloading === c.id ? '正在下载…' : c.status === 'completed' ? '下载已签署版' : '下载当前版'}
                      </button>
                    )}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p>没有符合条件的签署文件。</p>}
        </section>
      )}
    </div>
  );
}
