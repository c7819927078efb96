import { useEffect, useState } from 'react';
import { parseStaff, staffText, type StaffMember } from '../../lib/staff-list.js';
import { decodeTextFile } from '../../lib/text-file.js';
import { isOldExcelName, isXlsxName, readXlsxGrid, XlsxImportError } from '../../lib/xlsx-import.js';
import { postJson } from '../api.js';
import '../senders/senders.css';

/**
 * 发给员工确认: HR pastes a staff list (name, email, department — from Excel or CSV) or
 * reuses the last campaign's (an HR admin signed in), and sends the customized policy; each
 * employee confirms 已阅读并同意 through their own link. Opened from the policy library with
 * `?version=<id>`, the campaign records which published version it sent.
 */
const VERSION_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
interface Props {
  title: string;
  company?: string;
  markdown: string;
  blocked: string | null;
}

export function SendToStaff({ title, company, markdown, blocked }: Props) {
  const [open, setOpen] = useState(false);
  const [list, setList] = useState('');
  const [sender, setSender] = useState({ name: '', email: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState<{ manageUrl: string; count: number; caseId?: string } | null>(null);
  const [pending, setPending] = useState<{ email: string; count: number } | null>(null);
  const [version, setVersion] = useState('');
  // Read in the browser only: the customizer is also rendered at build time, without a URL.
  useEffect(() => {
    const v = new URLSearchParams(location.search).get('version')?.trim() ?? '';
    if (VERSION_ID.test(v)) setVersion(v);
  }, []);
  const [reused, setReused] = useState('');
  const reuseLast = async () => {
    setError('');
    const r = await postJson<{ title: string; caseNumber: string; createdAt: string; staff: StaffMember[] }>('/api/campaigns', { action: 'last-list' });
    if (!r.ok) return setError(/登录/.test(r.error) ? '复用上次名单需要 HR 管理员登录：请先在 HR 工作台（/hr/）登录，再回到这里。' : r.error);
    setList(staffText(r.data.staff));
    setReused(`已填入上次《${r.data.title}》（${r.data.caseNumber}）的名单，共 ${r.data.staff.length} 人；可以再修改。`);
  };
  const parsed = parseStaff(list);
  const readFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) return setError('名单文件超过 2 MB，请拆分后再发送');
    setError('');
    if (isOldExcelName(file.name)) return setError('不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 或 CSV');
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (!isXlsxName(file.name)) return setList(decodeTextFile(bytes).text);
    try {
      setList((await readXlsxGrid(bytes)).map((r) => r.join('\t')).join('\n'));
    } catch (e) {
      setError(e instanceof XlsxImportError ? e.message : '无法读取这个 Excel 文件');
    }
  };

  const send = async () => {
    if (blocked) return setError(blocked);
    setBusy(true);
    setError('');
    const r = await postJson<{ manageUrl: string; caseId?: string } | { pending: true; email: string }>('/api/acknowledgments', {
      title, company, markdown, staff: parsed.staff, sender, ...(version ? { publishedVersionId: version } : {}),
    });
    setBusy(false);
    if (r.ok) {
      if ('pending' in r.data) setPending({ email: r.data.email, count: parsed.staff.length });
      else setDone({ manageUrl: r.data.manageUrl, count: parsed.staff.length, caseId: r.data.caseId });
    } else setError([r.error, ...(r.fields ?? []).slice(0, 5)].join('；'));
  };

  if (!open) return <p><button type="button" onClick={() => setOpen(true)}>发给员工确认…</button></p>;
  return (
    <section className="cz-panel cz-send" aria-labelledby="staff-heading">
      <h2 id="staff-heading">发给员工确认（已阅读并同意）</h2>
      {version && <p className="muted" data-testid="staff-version">发送的制度版本：{version}</p>}
      {pending ? (
        <div className="send-pending" role="status" data-testid="staff-pending">
          <p><strong>请到 {pending.email} 查收确认邮件，点击其中的链接后才会发给各方。</strong></p>
          <p>为防止他人冒用发起人的名义发信，目前尚未向任何人发送。确认后会立即发给 {pending.count} 位员工，查看进度和提醒用的管理链接也会发到这个邮箱。确认链接 24 小时内有效。</p>
        </div>
      ) : done ? (
        <p className="success" role="status" data-testid="staff-done">
          已发给 {done.count} 位员工。查看各部门进度、提醒未确认的人、导出名单：<br />
          {done.caseId && <><a href={`/hr/campaign/?c=${encodeURIComponent(done.caseId)}`} data-testid="staff-campaign-link">在 HR 工作台查看</a>，或使用管理链接：<br /></>}
          <a href={done.manageUrl} data-testid="staff-manage-link">{done.manageUrl}</a>
        </p>
      ) : (
        <>
          <label>
            员工名单：从 Excel 复制“姓名、邮箱、部门”三列粘贴到这里（也可以是 CSV）
            <textarea rows={6} value={list} onChange={(e) => setList(e.target.value)} placeholder={'张三\tzhangsan@example.com\t销售部\n李四\tlisi@example.com\t运营部'} />
          </label>
          <label className="cz-file">
            或选择名单文件（Excel .xlsx、CSV 或“Unicode 文本”）
            <input type="file" accept=".xlsx,.csv,.txt,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" data-testid="staff-file" onChange={(e) => { void readFile(e.target.files?.[0]); e.target.value = ''; }} />
          </label>
          <p className="actions">
            <button type="button" onClick={() => void reuseLast()} data-testid="staff-reuse">复用上次名单</button>
            {reused && <span className="muted" role="status">{reused}</span>}
          </p>
          <p className="muted" data-testid="staff-count">识别到 {parsed.staff.length} 人{parsed.problems.length ? `；${parsed.problems.length} 行有问题` : ''}</p>
          {parsed.problems.length > 0 && <ul className="bad">{parsed.problems.slice(0, 5).map((p) => <li key={p}>{p}</li>)}</ul>}
          <div className="cz-grid">
            <label>发起人姓名<input type="text" maxLength={40} value={sender.name} onChange={(e) => setSender({ ...sender, name: e.target.value })} /></label>
            <label>发起人邮箱<input type="text" maxLength={254} value={sender.email} onChange={(e) => setSender({ ...sender, email: e.target.value })} /></label>
          </div>
          {error && <p className="alert" role="alert">{error}</p>}
          <p className="actions">
            <button type="button" className="primary" onClick={send} disabled={busy || parsed.staff.length === 0}>{busy ? '正在发送…' : `发送给 ${parsed.staff.length} 人`}</button>
            <button type="button" onClick={() => setOpen(false)}>取消</button>
          </p>
        </>
      )}
    </section>
  );
}
