import { useState, type FormEvent } from 'react';
import { postJson } from '../api.js';
import { useHydrated } from '../useHydrated.js';
import { PROCESS_ROLES, ROLE_LABEL, type ProcessRole } from '../../lib/process/roles.js';
import type { ProcessSettings } from '../../lib/process/settings.js';
import './process.css';
import '../senders/senders.css';

export interface PolicyOption {
  slug: string;
  title: string;
  settings: ProcessSettings;
}

const REASONS = ['离职', '辞退', '合同终止', '调岗', '区域调整', '其他'];
const SETTING_FIELDS: Array<[keyof ProcessSettings, string, string]> = [
  ['planDays', '交接计划获批时限', '个工作日（自开立起）'],
  ['accountDays', '系统账号注销时限', '个工作日（最后工作日后）'],
  ['firstContactDays', '首次联系全部客户', '日（最后工作日后）'],
  ['visitDays', '陪同拜访完成', '日（最后工作日后）'],
  ['spotCheckDays', '电话抽查完成', '个工作日（拜访期限后）'],
  ['reportDays', '交接报告批准', '个工作日（抽查期限后）'],
  ['sampleMin', '抽查最少客户数', '家'],
];

/** Stage A: HR or the supervisor opens a customer-handover case from a policy template. */
export default function OpenCase({ policies, initialSlug }: { policies: PolicyOption[]; initialSlug: string }) {
  const hydrated = useHydrated();
  const [slug, setSlug] = useState(() => {
    const fromUrl = typeof location === 'undefined' ? '' : new URLSearchParams(location.search).get('policy') ?? '';
    return policies.some((p) => p.slug === fromUrl) ? fromUrl : initialSlug;
  });
  const policy = policies.find((p) => p.slug === slug) ?? policies[0];
  const [settings, setSettings] = useState<ProcessSettings>(policy.settings);
  const [people, setPeople] = useState<Record<ProcessRole, { name: string; email: string; mobile: string }>>(
    () => Object.fromEntries(PROCESS_ROLES.map((r) => [r, { name: '', email: '', mobile: '' }])) as Record<ProcessRole, { name: string; email: string; mobile: string }>,
  );
  const [fields, setFields] = useState({ company: '', department: '', reason: '离职', lastWorkingDay: '', archiveEmail: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; fields?: string[] } | null>(null);
  const [done, setDone] = useState<{ caseNumber: string } | null>(null);
  const [pending, setPending] = useState<{ email: string } | null>(null);
  /** Who opens the case and confirms it by mail: HR or the supervisor. */
  const [openedBy, setOpenedBy] = useState<'hr' | 'supervisor'>('hr');

  const choosePolicy = (s: string) => {
    setSlug(s);
    setSettings(policies.find((p) => p.slug === s)!.settings);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await postJson<{ caseNumber: string } | { pending: true; email: string }>('/api/process', { action: 'open', policySlug: slug, ...fields, parties: people, settings, openedBy });
    setBusy(false);
    if (r.ok) {
      if ('pending' in r.data) setPending({ email: r.data.email });
      else setDone(r.data);
    } else setError({ text: r.error, fields: r.fields });
  };

  if (pending) {
    return (
      <div className="send-pending" role="status" data-testid="case-pending">
        <h2>请到 {pending.email} 查收确认邮件</h2>
        <p><strong>点击其中的链接后才会发给各方</strong>：案件在确认后才开立，五位参与人随后会收到各自的案件链接邮件。</p>
        <p>为防止他人冒用名义发信，目前尚未向任何人发送。确认链接 24 小时内有效。</p>
      </div>
    );
  }
  if (done) {
    return (
      <div className="success" role="status" data-testid="case-opened">
        <h2>案件 {done.caseNumber} 已开立</h2>
        <p>五位参与人都会收到只属于自己的案件链接邮件。移交人现在可以填写客户交接计划（可从 Excel 粘贴或导入 CSV）。</p>
        <p>您作为 {ROLE_LABEL.hr} 或监交人，也会收到自己的链接，用于查看进度和各项期限。</p>
      </div>
    );
  }
  const person = (role: ProcessRole) => (
    <fieldset key={role} className="person">
      <legend>{ROLE_LABEL[role]}</legend>
      <label>姓名<input required maxLength={40} value={people[role].name} onChange={(e) => setPeople({ ...people, [role]: { ...people[role], name: e.target.value } })} name={`${role}-name`} /></label>
      <label>邮箱<input required type="email" maxLength={254} value={people[role].email} onChange={(e) => setPeople({ ...people, [role]: { ...people[role], email: e.target.value } })} name={`${role}-email`} /></label>
      <label>
        手机号（可选）
        <input type="tel" inputMode="tel" autoComplete="off" maxLength={20} value={people[role].mobile} onChange={(e) => setPeople({ ...people, [role]: { ...people[role], mobile: e.target.value } })} name={`${role}-mobile`} />
        <small className="muted">仅用于在企业微信、钉钉群消息中 @ 本人，不会出现在邮件里</small>
      </label>
    </fieldset>
  );
  return (
    <form className="open-case" onSubmit={submit} aria-busy={busy}>
      <fieldset disabled={!hydrated || busy}>
        <label className="wide">依据的制度模板
          <select value={slug} onChange={(e) => choosePolicy(e.target.value)} name="policy">
            {policies.map((p) => <option key={p.slug} value={p.slug}>{p.title}</option>)}
          </select>
        </label>
        <div className="grid2">
          <label>公司名称<input maxLength={100} value={fields.company} onChange={(e) => setFields({ ...fields, company: e.target.value })} name="company" /></label>
          <label>部门<input required maxLength={60} value={fields.department} onChange={(e) => setFields({ ...fields, department: e.target.value })} name="department" /></label>
          <label>交接原因
            <select value={fields.reason} onChange={(e) => setFields({ ...fields, reason: e.target.value })} name="reason">{REASONS.map((r) => <option key={r}>{r}</option>)}</select>
          </label>
          <label>移交人最后工作日<input required type="date" value={fields.lastWorkingDay} onChange={(e) => setFields({ ...fields, lastWorkingDay: e.target.value })} name="lastWorkingDay" /></label>
          <label>归档邮箱（可选）<input type="email" value={fields.archiveEmail} onChange={(e) => setFields({ ...fields, archiveEmail: e.target.value })} name="archiveEmail" /></label>
        </div>
        <h2>参与人</h2>
        <div className="people">{PROCESS_ROLES.map(person)}</div>
        <label className="wide">开立人（确认邮件发到其邮箱，确认后才通知各方）
          <select value={openedBy} onChange={(e) => setOpenedBy(e.target.value as 'hr' | 'supervisor')} name="openedBy">
            <option value="hr">{ROLE_LABEL.hr}（我）</option>
            <option value="supervisor">{ROLE_LABEL.supervisor}（我）</option>
          </select>
        </label>
        <details className="settings">
          <summary>期限与抽查规则（来自所选制度，可修改）</summary>
          <div className="grid2">
            {SETTING_FIELDS.map(([key, label, unit]) => (
              <label key={key}>{label}
                <span className="with-unit"><input type="number" min={0} max={180} required value={settings[key]} onChange={(e) => setSettings({ ...settings, [key]: Number(e.target.value) })} name={key} /> {unit}</span>
              </label>
            ))}
            <label>非 A 级客户抽查比例
              <span className="with-unit"><input type="number" min={0} max={100} required value={Math.round(settings.sampleShare * 100)} onChange={(e) => setSettings({ ...settings, sampleShare: Number(e.target.value) / 100 })} name="sampleShare" /> %（A 级客户全部回访）</span>
            </label>
          </div>
          <p className="muted">期限按工作日计算时跳过周末和法定节假日（含调休上班日）；按自然日计算的期限若落在休息日，顺延到下一个工作日。</p>
        </details>
        {error && (
          <div className="alert" role="alert">
            {error.text}
            {error.fields && error.fields.length > 1 && <ul>{error.fields.map((f) => <li key={f}>{f}</li>)}</ul>}
          </div>
        )}
        <button type="submit" className="primary">{busy ? '正在开立…' : '开立客户交接案件'}</button>
      </fieldset>
    </form>
  );
}
