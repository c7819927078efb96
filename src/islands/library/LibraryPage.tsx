import { useCallback, useEffect, useState } from 'react';
import { PROFILE_FIELDS } from '../../lib/company-profile.js';
import type { LibraryListing } from '../../lib/library/service.js';
import { labelledTime } from '../../lib/time-format.js';
import { postJson } from '../api.js';
import { useHydrated } from '../useHydrated.js';
import { customizeUrl, localPolicies, localProfile, markMoved, movedTemplates, publicUrl, storedDoc } from './local.js';
import './library.css';

/**
 * The company's policy library for HR admins: every policy with its versions (who saved
 * what, when), restore, publish, the staff address, and 移入公司制度库 for what this
 * browser customized before signing in.
 */
interface Props {
  templates: Array<{ slug: string; title: string; defaults: Record<string, string> }>;
}
type Listing = LibraryListing & { email: string };
type Policy = Listing['policies'][number];

export default function LibraryPage({ templates }: Props) {
  const hydrated = useHydrated();
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [list, setList] = useState<Listing | null>(null);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');
  const [busy, setBusy] = useState('');
  const [local, setLocal] = useState<ReturnType<typeof localPolicies>>([]);
  const [dates, setDates] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    const r = await postJson<Listing>('/api/library', { action: 'list' });
    if (r.ok) {
      setList(r.data);
      setState('signed-in');
    } else {
      setState('signed-out');
      setError(r.error);
    }
  }, []);
  useEffect(() => {
    void load();
    const moved = movedTemplates();
    setLocal(localPolicies().filter((p) => templates.some((t) => t.slug === p.templateSlug) && !moved.includes(p.templateSlug)));
  }, [load, templates]);

  const call = async (key: string, body: Record<string, unknown>, done: (data: never) => string) => {
    setBusy(key);
    setError('');
    setInfo('');
    const r = await postJson<never>('/api/library', body);
    setBusy('');
    if (!r.ok) return setError([r.error, ...(r.fields ?? []).slice(0, 3)].join('；'));
    setInfo(done(r.data));
    await load();
  };

  if (state === 'checking') return <p aria-busy="true">正在检查登录状态…</p>;
  if (state === 'signed-out') {
    return (
      <div>
        {error && <p className="alert" role="alert">{error}</p>}
        <p>公司制度库只对 HR 管理员开放：请先在 <a href="/archive/">交接档案</a> 页面用管理员邮箱登录，再回到这里。</p>
        <p className="muted">不登录也可以在各模板的“定制”页面修改制度，内容只保存在本机浏览器中；登录后可一键移入公司制度库。</p>
      </div>
    );
  }

  const policies = list?.policies ?? [];
  const profile = list?.profile ?? null;
  const moveLocal = () =>
    call(
      'import',
      {
        action: 'import',
        profile: pickProfile(localProfile()),
        policies: local.map((p) => ({ templateSlug: p.templateSlug, doc: storedDoc(p.doc), defaults: templates.find((t) => t.slug === p.templateSlug)?.defaults ?? {} })),
      },
      (r: { created: Array<{ slug: string; name: string }>; profileTaken: boolean }) => {
        markMoved(local.map((p) => p.templateSlug));
        setLocal([]);
        return `已移入 ${r.created.length} 份制度${r.created.length ? `：${r.created.map((c) => `《${c.name}》`).join('、')}` : ''}${r.profileTaken ? '，以及本机的公司信息' : ''}。本机浏览器中的内容保持不变。`;
      },
    );

  return (
    <div className="library">
      {error && <p className="alert" role="alert" data-testid="library-error">{error}</p>}
      {info && <p className="success" role="status" data-testid="library-info">{info}</p>}
      <p className="muted">已登录：{list?.email}</p>

      {local.length > 0 && (
        <section className="lib-move" aria-labelledby="move-h">
          <h2 id="move-h">本机浏览器中的定制（{local.length} 份）</h2>
          <p>{local.map((p) => `《${p.doc.title}》`).join('、')}只保存在这台电脑的浏览器里。移入后，其他 HR 管理员也能看到并继续修改，每次保存都留有版本。</p>
          <p><button type="button" className="primary" disabled={!hydrated || !!busy} onClick={() => void moveLocal()} data-testid="library-import">{busy === 'import' ? '正在移入…' : '移入公司制度库'}</button></p>
        </section>
      )}

      <section aria-labelledby="policies-h">
        <h2 id="policies-h">本单位制度（{policies.length}）</h2>
        {policies.length === 0 && <p className="muted">还没有制度。打开任一 <a href="/">制度模板</a>，点“定制”，修改后选择“保存到公司制度库”。</p>}
        {policies.map((p) => (
          <PolicyCard key={p.slug} p={p} busy={busy} hydrated={hydrated} date={dates[p.slug] ?? ''} setDate={(d) => setDates({ ...dates, [p.slug]: d })} call={call} />
        ))}
      </section>

      <section className="lib-profile" aria-labelledby="profile-h">
        <h2 id="profile-h">公司信息</h2>
        {profile ? (
          <>
            <p className="muted">第 {profile.number} 版 · {profile.savedBy} 保存于 {labelledTime(profile.savedAt)}。在任一制度的定制页面修改后，点“把本机公司信息保存到制度库”。</p>
            <dl>
              {PROFILE_FIELDS.filter((f) => profile.profile[f.key]).map((f) => (
                <div key={f.key} style={{ display: 'contents' }}><dt>{f.label}</dt><dd>{profile.profile[f.key]}</dd></div>
              ))}
            </dl>
          </>
        ) : (
          <p className="muted">公司制度库还没有公司信息：在定制页面填写公司信息后保存到制度库，所有制度共用。</p>
        )}
      </section>
    </div>
  );
}

const pickProfile = (p: ReturnType<typeof localProfile>) => Object.fromEntries(PROFILE_FIELDS.map((f) => [f.key, (p[f.key] ?? '').slice(0, 100)]).filter(([, v]) => v));

function PolicyCard({ p, busy, hydrated, date, setDate, call }: {
  p: Policy;
  busy: string;
  hydrated: boolean;
  date: string;
  setDate: (d: string) => void;
  call: (key: string, body: Record<string, unknown>, done: (data: never) => string) => Promise<void>;
}) {
  const disabled = !hydrated || !!busy;
  return (
    <article className="lib-policy" data-testid="library-policy" aria-labelledby={`p-${p.slug}`}>
      <h3 id={`p-${p.slug}`}>{p.name}</h3>
      <p className="lib-links">
        {p.publishedVersion ? <span>员工查看地址：<a href={publicUrl(p.slug)} data-testid="library-public-link">{publicUrl(p.slug)}</a>（第 {p.publishedVersion} 版）</span> : <span>尚未发布</span>}
        {p.templateSlug && <a href={customizeUrl(p.templateSlug, `library=${encodeURIComponent(p.slug)}`)}>编辑最新版本（第 {p.headVersion} 版）</a>}
        <label>生效日期（发布时用，可不填）：<input type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-label={`《${p.name}》发布时的生效日期`} /></label>
      </p>
      <table className="lib-versions">
        <caption className="visually-hidden">《{p.name}》的版本</caption>
        <thead><tr><th>版本</th><th>保存</th><th>修改</th><th>发布</th><th>操作</th></tr></thead>
        <tbody>
          {p.versions.map((v) => (
            <tr key={v.id} data-testid="library-version">
              <td data-label="版本">第 {v.number} 版{v.number === p.headVersion && <span className="lib-badge old">最新</span>}{v.number === p.publishedVersion && <span className="lib-badge">员工看到的版本</span>}</td>
              <td data-label="保存">{v.savedBy}<br /><span className="muted">{labelledTime(v.savedAt)}</span></td>
              <td data-label="修改">{v.changes}{v.note && <><br /><span className="muted">说明：{v.note}</span></>}</td>
              <td data-label="发布">
                {v.publishedAt ? <>生效 {labelledTime(v.effectiveAt)}<br /><a href={publicUrl(p.slug, v.number)}>查看</a></> : <span className="muted">未发布</span>}
              </td>
              <td data-label="操作">
                <div className="row-actions">
                  {v.number !== p.publishedVersion && (
                    <button
                      type="button"
                      className={v.number === p.headVersion ? 'primary' : ''}
                      disabled={disabled}
                      data-testid="library-publish"
                      onClick={() =>
                        window.confirm(`发布《${p.name}》第 ${v.number} 版？员工打开 ${publicUrl(p.slug)} 将看到这一版${date && !v.publishedAt ? `，生效日期 ${date}` : ''}。`) &&
                        void call(`publish:${v.id}`, { action: 'publish', slug: p.slug, number: v.number, ...(date && !v.publishedAt ? { effectiveDate: date } : {}) }, () => `已发布第 ${v.number} 版：员工打开 ${publicUrl(p.slug)} 即可查看。`)
                      }
                    >
                      {busy === `publish:${v.id}` ? '正在发布…' : v.publishedAt ? '重新设为当前版本' : '发布'}
                    </button>
                  )}
                  {v.number !== p.headVersion && (
                    <button
                      type="button"
                      disabled={disabled}
                      onClick={() =>
                        window.confirm(`把第 ${v.number} 版的内容恢复为新的第 ${p.headVersion + 1} 版？现有版本都会保留。`) &&
                        void call(`restore:${v.id}`, { action: 'restore', slug: p.slug, number: v.number, baseVersion: p.headVersion }, () => `已把第 ${v.number} 版恢复为第 ${p.headVersion + 1} 版。`)
                      }
                    >
                      恢复此版本
                    </button>
                  )}
                  {v.publishedAt && p.templateSlug && <a href={customizeUrl(p.templateSlug, `version=${encodeURIComponent(v.id)}`)} data-testid="library-acknowledge">发起阅读确认</a>}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}
