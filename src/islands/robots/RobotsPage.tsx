import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { postJson } from '../api.js';
import { useHydrated } from '../useHydrated.js';
import { beijingTime } from '../../lib/time-format.js';
import type { listRobots, robotOutbox } from '../../lib/robots/service.js';
import type { RobotEvent, ScopeKind } from '../../lib/robots/store.js';
import { PLATFORM_LABEL, type Platform } from '../../lib/robots/types.js';
import '../process/process.css';
import './robots.css';

type Listing = Awaited<ReturnType<typeof listRobots>> & { email: string; forms: Array<{ id: string; title: string }>; outbox: Awaited<ReturnType<typeof robotOutbox>> };
type Robot = Listing['robots'][number];

const EVENT_LABEL: Record<RobotEvent, string> = { waiting: '待签署/待确认', returned: '退回修改/拒签', deadline: '2 天后到期与逾期', completed: '完成' };
/** Which events a scope can have: deadlines exist only for customer-handover cases. */
const SCOPE_EVENTS: Record<ScopeKind, RobotEvent[]> = {
  process: ['waiting', 'returned', 'deadline', 'completed'],
  'signing-form': ['waiting', 'returned', 'completed'],
  acknowledgment: ['waiting', 'completed'],
};

const WEBHOOK_EXAMPLE: Record<Platform, string> = {
  wecom: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  dingtalk: 'https://oapi.dingtalk.com/robot/send?access_token=…',
  feishu: 'https://open.feishu.cn/open-apis/bot/v2/hook/…',
};
const SECRET_HINT: Record<Platform, string> = {
  wecom: '企业微信群机器人没有加签密钥，无需填写。',
  dingtalk: '安全设置选“加签”时填写：SEC 开头的字符串。选“自定义关键词”时请把关键词设为“交接”。',
  feishu: '安全设置开启“签名校验”时填写；开启“自定义关键词”时请把关键词设为“交接”。',
};

/** HR admins connect WeCom, DingTalk and Feishu group robots and choose what each hears about. */
export default function RobotsPage() {
  const hydrated = useHydrated();
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [list, setList] = useState<Listing | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const [results, setResults] = useState<Record<string, { ok: boolean; message: string }>>({});
  const [busy, setBusy] = useState('');
  const [form, setForm] = useState({ name: '', platform: 'wecom' as Platform, webhook: '', secret: '' });

  const load = useCallback(async () => {
    const r = await postJson<Listing>('/api/robots', { action: 'list' });
    if (r.ok) {
      setList(r.data);
      setState('signed-in');
    } else {
      setState('signed-out');
      setError(r.error);
    }
  }, []);
  useEffect(() => void load(), [load]);

  const call = async (key: string, body: Record<string, unknown>, done?: string) => {
    setBusy(key);
    setError('');
    setInfo('');
    const r = await postJson<unknown>('/api/robots', body);
    setBusy('');
    if (!r.ok) {
      setError(r.error);
      return false;
    }
    if (done) setInfo(done);
    await load();
    return true;
  };

  if (state === 'checking') return <p aria-busy="true">正在检查登录状态…</p>;
  if (state === 'signed-out') {
    return (
      <div>
        {error && <p className="alert" role="alert">{error}</p>}
        <p>
          群机器人设置只对 HR 管理员开放：请先在 <a href="/archive/">交接档案</a> 页面登录，再回到这里。
        </p>
      </div>
    );
  }

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await call('add', { action: 'add', ...form, secret: form.platform === 'wecom' ? '' : form.secret }, `已添加“${form.name}”：请点“发送测试消息”确认群里能收到。`);
    if (ok) setForm({ name: '', platform: form.platform, webhook: '', secret: '' });
  };
  const test = async (r: Robot) => {
    setBusy(`test:${r.id}`);
    const res = await postJson<{ ok: boolean; message: string }>('/api/robots', { action: 'test', robotId: r.id });
    setBusy('');
    setResults({ ...results, [r.id]: res.ok ? res.data : { ok: false, message: res.error } });
  };
  const robots = list?.robots ?? [];
  const forms = list?.forms ?? [];

  return (
    <div className="robots">
      {error && <p className="alert" role="alert">{error}</p>}
      {info && <p className="success" role="status">{info}</p>}

      <section>
        <h2>已连接的群机器人（{robots.length}）</h2>
        {robots.length === 0 ? (
          <p className="muted">还没有机器人。在下方添加企业微信、钉钉或飞书的群机器人。</p>
        ) : (
          <table className="data" data-testid="robot-list">
            <thead><tr><th>名称</th><th>平台</th><th>Webhook</th><th>发送情况</th><th>操作</th></tr></thead>
            <tbody>
              {robots.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>{PLATFORM_LABEL[r.platform]}{r.signed ? '（加签）' : ''}</td>
                  <td><code>{r.webhook}</code></td>
                  <td>
                    已发送 {r.sent} 条{r.pending ? `，待发送 ${r.pending} 条` : ''}
                    {r.lastError && <p className="alert small">{r.lastError}</p>}
                    {results[r.id] && <p className={results[r.id]!.ok ? 'success small' : 'alert small'} role="status">{results[r.id]!.message}</p>}
                  </td>
                  <td>
                    <div className="row-actions">
                      <button type="button" onClick={() => void test(r)} disabled={!hydrated || busy !== ''}>{busy === `test:${r.id}` ? '发送中…' : '发送测试消息'}</button>
                      <button
                        type="button"
                        className="danger"
                        disabled={!hydrated || busy !== ''}
                        onClick={() => confirm(`删除机器人“${r.name}”？它的待发送消息也会一并删除。`) && void call(`remove:${r.id}`, { action: 'remove', robotId: r.id }, `已删除“${r.name}”。`)}
                      >
                        删除
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section>
        <h2>添加群机器人</h2>
        <form className="robot-add" onSubmit={add}>
          <label>名称<input required maxLength={40} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="例如：销售部交接群" name="name" /></label>
          <label>平台
            <select value={form.platform} onChange={(e) => setForm({ ...form, platform: e.target.value as Platform })} name="platform">
              {(Object.keys(PLATFORM_LABEL) as Platform[]).map((p) => <option key={p} value={p}>{PLATFORM_LABEL[p]}</option>)}
            </select>
          </label>
          <label className="wide">Webhook 地址<input required value={form.webhook} onChange={(e) => setForm({ ...form, webhook: e.target.value })} placeholder={WEBHOOK_EXAMPLE[form.platform]} name="webhook" autoComplete="off" spellCheck={false} /></label>
          {form.platform !== 'wecom' && (
            <label className="wide">加签密钥（选填）<input type="password" value={form.secret} onChange={(e) => setForm({ ...form, secret: e.target.value })} name="secret" autoComplete="off" /></label>
          )}
          <p className="muted wide">{SECRET_HINT[form.platform]} 地址和密钥加密保存，保存后只显示末 4 位。</p>
          <button type="submit" className="primary" disabled={!hydrated || busy !== ''}>添加</button>
        </form>
      </section>

      {robots.length > 0 && list && (
        <section>
          <h2>通知哪些事</h2>
          <p className="muted">群消息只写明需要谁在什么时间前做什么，并链接到案件页面或网站首页；个人的签署链接只发到本人邮箱，不会出现在群里。</p>
          {robots.map((r) => (
            <Subscriptions key={r.id} robot={r} list={list} forms={forms} disabled={!hydrated || busy !== ''} save={(scopeKind, scopeId, events) => void call(`sub:${r.id}`, { action: 'subscribe', robotId: r.id, scopeKind, scopeId, events }, '已保存通知设置。')} />
          ))}
        </section>
      )}

      {list && list.outbox.length > 0 && (
        <section>
          <h2>最近的群消息</h2>
          <table className="data" data-testid="robot-outbox">
            <thead><tr><th>机器人</th><th>消息</th><th>状态</th><th>时间</th></tr></thead>
            <tbody>
              {list.outbox.map((o) => (
                <tr key={o.id}>
                  <td>{o.robotName}</td>
                  <td>{o.title}</td>
                  <td>{o.sentAt ? '已发送' : o.lastError ? <span className="alert small">第 {o.attempts} 次发送失败：{o.lastError}；将于 {beijingTime(o.nextAttemptAt!, false)} 重发</span> : '排队中'}</td>
                  <td>{beijingTime(o.sentAt ?? o.createdAt, false)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function Subscriptions(props: { robot: Robot; list: Listing; forms: Listing['forms']; disabled: boolean; save: (kind: ScopeKind, id: string, events: RobotEvent[]) => void }) {
  const { robot, list, forms } = props;
  const mine = list.subscriptions.filter((s) => s.robotId === robot.id);
  const [extra, setExtra] = useState<string[]>([]);
  // Shown at once; the saved list replaces it when the page reloads the listing.
  const [local, setLocal] = useState<Record<string, RobotEvent[]>>({});
  const rows: Array<{ kind: ScopeKind; id: string; label: string }> = [
    { kind: 'process', id: '*', label: '全部客户交接案件' },
    { kind: 'acknowledgment', id: '*', label: '全部制度确认' },
    { kind: 'signing-form', id: '*', label: '全部签署文件' },
    ...forms
      .filter((f) => extra.includes(f.id) || mine.some((s) => s.scopeKind === 'signing-form' && s.scopeId === f.id))
      .map((f) => ({ kind: 'signing-form' as const, id: f.id, label: `签署文件：${f.title}` })),
  ];
  const eventsOf = (kind: ScopeKind, id: string) => local[`${kind}:${id}`] ?? mine.find((s) => s.scopeKind === kind && s.scopeId === id)?.events ?? [];
  return (
    <fieldset className="robot-subs" data-testid={`subs-${robot.id}`}>
      <legend>{robot.name}（{PLATFORM_LABEL[robot.platform]}）</legend>
      {rows.map((row) => {
        const on = eventsOf(row.kind, row.id);
        return (
          <div key={`${row.kind}:${row.id}`} className="sub-row" role="group" aria-label={row.label}>
            <span className="sub-label">{row.label}</span>
            {SCOPE_EVENTS[row.kind].map((ev) => (
              <label key={ev} className="check">
                <input
                  type="checkbox"
                  checked={on.includes(ev)}
                  disabled={props.disabled}
                  onChange={(e) => {
                    const events = e.target.checked ? [...on, ev] : on.filter((x) => x !== ev);
                    setLocal({ ...local, [`${row.kind}:${row.id}`]: events });
                    props.save(row.kind, row.id, events);
                  }}
                />
                {EVENT_LABEL[ev]}
              </label>
            ))}
          </div>
        );
      })}
      <label className="add-form">单独关注一种签署文件
        <select value="" disabled={props.disabled} onChange={(e) => e.target.value && setExtra([...extra, e.target.value])}>
          <option value="">选择文件类型…</option>
          {forms.filter((f) => !rows.some((r) => r.id === f.id)).map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
        </select>
      </label>
    </fieldset>
  );
}
