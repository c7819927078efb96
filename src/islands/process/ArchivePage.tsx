import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { postJson } from '../api';
import { useHydrated } from '../useHydrated';
import { STATUS_LABEL } from './labels';
import './process.css';

interface Listed {
  id: string;
  caseNumber: string;
  company: string | null;
  department: string;
  employee: string;
  stage: string;
  status: 'open' | 'completed' | 'cancelled';
  customers: number;
  lastWorkingDay: string;
  createdAt: string;
}

const STAGE_NAME: Record<string, string> = { B: '交接计划', C: '资料移交', D: '陪同拜访', E: '电话抽查', F: '交接报告', done: '已归档' };

/** HR's archive: sign in by emailed link, then every case, filterable by department, status and date. */
export default function ArchivePage() {
  const hydrated = useHydrated();
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [email, setEmail] = useState('');
  const [info, setInfo] = useState('');
  const [error, setError] = useState('');
  const [filters, setFilters] = useState({ department: '', status: '', from: '', to: '' });
  const [list, setList] = useState<Listed[]>([]);

  const load = useCallback(async (f = filters) => {
    const r = await postJson<{ email: string; processes: Listed[] }>('/api/admin', { action: 'list', ...f });
    if (r.ok) {
      setState('signed-in');
      setEmail(r.data.email);
      setList(r.data.processes);
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
  return (
    <div className="archive">
      <p className="muted">已登录：{email} <button type="button" onClick={() => void postJson('/api/admin', { action: 'sign-out' }).then(() => setState('signed-out'))}>退出</button></p>
      <form className="filters grid4" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <label>部门<input value={filters.department} onChange={(e) => setFilters({ ...filters, department: e.target.value })} name="department" /></label>
        <label>状态<select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value })} name="status"><option value="">全部</option><option value="open">进行中</option><option value="completed">已完成</option><option value="cancelled">已撤销</option></select></label>
        <label>开立日期从<input type="date" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} name="from" /></label>
        <label>到<input type="date" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} name="to" /></label>
        <button type="submit">筛选</button>
      </form>
      <table className="data" data-testid="archive-list">
        <thead><tr><th>案件编号</th><th>部门</th><th>移交人</th><th>客户数</th><th>阶段</th><th>状态</th><th>最后工作日</th><th>开立时间</th></tr></thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id}>
              <td><a href={`/case/?p=${encodeURIComponent(p.id)}`}>{p.caseNumber}</a></td><td>{p.department}</td><td>{p.employee}</td><td>{p.customers}</td>
              <td>{STAGE_NAME[p.stage]}</td><td>{STATUS_LABEL[p.status]}</td><td>{p.lastWorkingDay}</td><td>{new Date(p.createdAt).toLocaleDateString('zh-CN')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.length === 0 && <p>没有符合条件的案件。</p>}
    </div>
  );
}
