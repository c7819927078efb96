import { useEffect, useMemo, useRef, useState } from 'react';
import { PROFILE_FIELDS, parseProfileFile, profileFileContent, type CompanyProfile } from '../../lib/company-profile.js';
import { diffPolicy, fillText, fromTemplate, insertClause, toMarkdown, withoutStoredNumbers, type Clause, type CustomPolicy } from '../../lib/policy-doc.js';
import { downloadBlob, downloadText } from '../form/download.js';
import { previewHtml } from './preview.js';
import { SendToStaff } from './SendToStaff.js';
import { ClauseList } from './editor/ClauseList.js';
import LibraryBar from './LibraryBar.js';
import { useHydrated } from '../useHydrated.js';
import './customize.css';

/**
 * HR's editor for one template: company profile, per-document values, clauses edited in
 * place / switched off / added / reordered (editor/ClauseList.tsx; the rich-text editor loads
 * on demand), live preview, diff against the template, saved versions, and export to PDF,
 * Word and Markdown. Everything stays in this browser.
 */
interface Props {
  slug: string;
  title: string;
  body: string;
  variables: Array<{ key: string; label: string; default: string }>;
  optionalClauses: string[];
}

const PROFILE_KEY = 'handover-kit:company-profile';
const docKey = (slug: string) => `handover-kit:policy:${slug}`;
interface Saved {
  current: CustomPolicy;
  versions: Array<{ name: string; savedAt: string; policy: CustomPolicy }>;
}

function load<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export default function PolicyCustomizer({ slug, title, body, variables, optionalClauses }: Props) {
  const original = useMemo(() => fromTemplate(slug, title, body, optionalClauses), [slug, title, body, optionalClauses]);
  const [policy, setPolicy] = useState<CustomPolicy>(original);
  const [versions, setVersions] = useState<Saved['versions']>([]);
  const [profile, setProfile] = useState<CompanyProfile>({});
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  // The profile panel starts open while there is no company name, and from then on opens and
  // closes only when HR toggles it: deriving `open` from the name shut it on the first key.
  const [profileOpen, setProfileOpen] = useState(true);
  const loaded = useRef(false);
  const profileInput = useRef<HTMLInputElement>(null);
  const hydrated = useHydrated();

  useEffect(() => {
    const saved = load<Saved | null>(docKey(slug), null);
    if (saved?.current?.clauses) {
      setPolicy(withoutStoredNumbers(saved.current));
      setVersions((saved.versions ?? []).map((v) => ({ ...v, policy: withoutStoredNumbers(v.policy) })));
    }
    const savedProfile = load<CompanyProfile>(PROFILE_KEY, {});
    setProfile(savedProfile);
    setProfileOpen(!savedProfile.companyName);
    loaded.current = true;
  }, [slug]);

  const persist = (next: Saved) => {
    try {
      localStorage.setItem(docKey(slug), JSON.stringify(next));
    } catch {
      setError('浏览器存储空间不足，修改未能保存：请导出 Markdown 备份。');
    }
  };
  useEffect(() => {
    if (loaded.current) persist({ current: policy, versions });
  }, [policy, versions]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (loaded.current) localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  }, [profile]);

  // Value of each variable: per-document override, else company profile, else template default.
  const values = useMemo(() => {
    const v: Record<string, string> = {};
    for (const d of variables) v[d.key] = d.default;
    for (const [k, val] of Object.entries(profile)) if (val) v[k] = val;
    for (const [k, val] of Object.entries(policy.overrides)) if (val) v[k] = val;
    return v;
  }, [variables, profile, policy.overrides]);

  const markdown = toMarkdown(policy);
  const filled = fillText(markdown, values);
  const html = useMemo(() => previewHtml(markdown, values), [markdown, values]);
  const changes = useMemo(() => diffPolicy(original, policy), [original, policy]);

  const update = (id: string, patch: Partial<Clause>) => setPolicy((p) => ({ ...p, clauses: p.clauses.map((c) => (c.id === id ? { ...c, ...patch } : c)) }));
  const move = (i: number, by: number) =>
    setPolicy((p) => {
      const cs = [...p.clauses];
      const j = i + by;
      if (j < 0 || j >= cs.length) return p;
      [cs[i], cs[j]] = [cs[j], cs[i]];
      return { ...p, clauses: cs };
    });
  const resetClause = (id: string) => {
    const o = original.clauses.find((c) => c.id === id);
    if (editing === id) setEditing(null); // the open editor holds the old text
    if (o) update(id, { heading: o.heading, body: o.body, enabled: true });
  };
  const addClause = () => {
    const id = `n${Date.now().toString(36)}`;
    setPolicy((p) => ({ ...p, clauses: insertClause(p.clauses, { id, heading: '新增条款', body: '', enabled: true, origin: 'custom' }) }));
    setEditing(id);
  };
  const replaceAll = (next: CustomPolicy) => {
    setEditing(null);
    setPolicy(next);
  };
  // Variables the insert menu offers: the template's own, then the shared profile fields.
  const insertable = useMemo(
    () => [...variables, ...PROFILE_FIELDS.filter((f) => !variables.some((v) => v.key === f.key))].map((v) => ({ key: v.key, label: v.label })),
    [variables],
  );

  const exportFile = async (format: 'pdf' | 'docx') => {
    if (filled.unknown.length) return setError(`还有未定义的变量：${filled.unknown.map((k) => `{{${k}}}`).join('、')}。请在“本文件的取值”中填写或改正拼写后再导出。`);
    setBusy(format);
    setError('');
    try {
      const res = await fetch('/api/policy-export', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ format, title: policy.title, company: values.companyName || undefined, markdown: filled.text }),
      });
      if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `导出失败（${res.status}）`);
      downloadBlob(`${policy.title}.${format}`, await res.blob());
      setMessage(`已导出 ${format === 'pdf' ? 'PDF' : 'Word'}`);
    } catch (e) {
      setError((e as Error).message.startsWith('导出') ? (e as Error).message : `导出失败：${(e as Error).message}`);
    } finally {
      setBusy('');
    }
  };

  const importProfile = async (file: File | undefined) => {
    if (profileInput.current) profileInput.current.value = '';
    if (!file) return;
    const r = parseProfileFile(await file.text());
    if (r.ok) {
      setProfile(r.profile);
      setMessage('已导入公司信息');
      setError('');
    } else setError(r.error);
  };

  const declaredKeys = new Set(variables.map((v) => v.key));

  return (
    <div className="customizer">
      <fieldset className="cz-editor bare-fieldset" disabled={!hydrated} aria-busy={!hydrated}>
        {error && <p className="alert" role="alert" data-testid="cz-error">{error}</p>}
        {message && <p className="success" role="status">{message}</p>}
        <LibraryBar templateSlug={slug} variables={variables} policy={policy} profile={profile} onLoad={(l) => { if (l.policy) setPolicy(l.policy); if (l.profile) setProfile(l.profile); }} />

        <details className="cz-panel" open={profileOpen} onToggle={(e) => setProfileOpen(e.currentTarget.open)} data-testid="profile-panel">
          <summary>公司信息（所有模板共用）</summary>
          <div className="cz-grid">
            {PROFILE_FIELDS.map((f) => (
              <label key={f.key}>
                {f.label}
                <input type="text" maxLength={100} placeholder={f.placeholder} value={profile[f.key] ?? ''} onChange={(e) => setProfile((p) => ({ ...p, [f.key]: e.target.value }))} />
              </label>
            ))}
          </div>
          <p className="actions">
            <button type="button" onClick={() => downloadText('公司信息.json', profileFileContent(profile), 'application/json')}>导出公司信息</button>
            <button type="button" onClick={() => profileInput.current?.click()}>导入公司信息</button>
            <input ref={profileInput} type="file" accept=".json,application/json" hidden onChange={(e) => importProfile(e.target.files?.[0])} data-testid="profile-import" />
          </p>
        </details>

        <details className="cz-panel">
          <summary>本文件的取值（覆盖公司信息）</summary>
          <div className="cz-grid">
            {variables.map((v) => (
              <label key={v.key}>
                {v.label}
                <input
                  type="text"
                  maxLength={100}
                  placeholder={profile[v.key as keyof CompanyProfile] || v.default}
                  value={policy.overrides[v.key] ?? ''}
                  onChange={(e) => setPolicy((p) => ({ ...p, overrides: { ...p.overrides, [v.key]: e.target.value } }))}
                />
              </label>
            ))}
          </div>
        </details>

        {filled.unknown.length > 0 && (
          <p className="notice" data-testid="unknown-vars">
            正文里有未定义的变量：{filled.unknown.map((k) => `{{${k}}}`).join('、')}
            {filled.unknown.some((k) => !declaredKeys.has(k)) ? '（可能是拼写错误，或需要在上面补充取值）' : ''}
          </p>
        )}

        <h2>条款</h2>
        <ClauseList
          clauses={policy.clauses}
          original={original.clauses}
          values={values}
          variables={insertable}
          editing={editing}
          setEditing={setEditing}
          update={update}
          move={move}
          reset={resetClause}
          remove={(id) => setPolicy((p) => ({ ...p, clauses: p.clauses.filter((x) => x.id !== id) }))}
        />
        <p className="actions">
          <button type="button" onClick={addClause}>添加条款</button>
          <button type="button" onClick={() => window.confirm('放弃所有修改，恢复为模板原文？') && replaceAll(original)}>全部恢复原文</button>
        </p>

        <h2>与模板相比的修改（{changes.length}）</h2>
        <ul className="cz-diff" data-testid="diff">
          {changes.length === 0 && <li className="muted">还没有修改。</li>}
          {changes.map((ch, i) => (
            <li key={i}>
              <strong>{{ edited: '修改', added: '新增', removed: '删除', 'switched-off': '停用', moved: '调整顺序' }[ch.kind]}</strong>：{ch.heading}
              {ch.parts && (
                <div className="cz-diff-text">
                  {ch.parts.map(([t, k], j) => (k === 'same' ? <span key={j}>{t.length > 60 ? `${t.slice(0, 25)} … ${t.slice(-25)}` : t}</span> : k === 'added' ? <ins key={j}>{t}</ins> : <del key={j}>{t}</del>))}
                </div>
              )}
            </li>
          ))}
        </ul>

        <h2>版本</h2>
        <p className="actions">
          <button
            type="button"
            onClick={() => {
              const name = window.prompt('版本名称', `版本 ${versions.length + 1}`) ?? '';
              if (name.trim()) setVersions((vs) => [{ name: name.trim().slice(0, 60), savedAt: new Date().toISOString(), policy }, ...vs].slice(0, 30));
            }}
          >
            保存为新版本
          </button>
        </p>
        <ul className="cz-versions" data-testid="versions">
          {versions.map((v, i) => (
            <li key={v.savedAt + i}>
              {v.name} · {new Date(v.savedAt).toLocaleString('zh-CN', { hour12: false })}
              <button type="button" onClick={() => window.confirm(`用“${v.name}”替换当前内容？`) && replaceAll(v.policy)}>恢复</button>
              <button type="button" onClick={() => setVersions((vs) => vs.filter((_, j) => j !== i))}>删除</button>
            </li>
          ))}
        </ul>
      </fieldset>

      <div className="cz-preview-col">
        <div className="cz-export actions">
          <button type="button" className="primary" onClick={() => exportFile('pdf')} disabled={!!busy}>{busy === 'pdf' ? '正在生成…' : '下载 PDF'}</button>
          <button type="button" onClick={() => exportFile('docx')} disabled={!!busy}>{busy === 'docx' ? '正在生成…' : '下载 Word'}</button>
          <button type="button" onClick={() => downloadText(`${policy.title}.md`, `# ${policy.title}\n\n${filled.text}\n`, 'text/markdown;charset=utf-8')}>下载 Markdown</button>
          <button type="button" onClick={() => window.print()}>打印</button>
        </div>
        <SendToStaff
          title={policy.title}
          company={values.companyName || undefined}
          markdown={filled.text}
          blocked={filled.unknown.length ? `还有未定义的变量：${filled.unknown.map((k) => `{{${k}}}`).join('、')}` : null}
        />
        <article className="cz-preview" aria-label="预览" data-testid="preview">
          <h1>{policy.title}</h1>
          {values.companyName && <p className="cz-company">{values.companyName}</p>}
          <div dangerouslySetInnerHTML={{ __html: html }} />
        </article>
      </div>
    </div>
  );
}
