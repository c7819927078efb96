import { useEffect, useState } from 'react';
import type { CompanyProfile } from '../../lib/company-profile.js';
import type { CustomPolicy } from '../../lib/policy-doc.js';
import type { LibraryListing, VersionSummary, getVersion } from '../../lib/library/service.js';
import { beijingTime } from '../../lib/time-format.js';
import { postJson } from '../api.js';
import { customizeUrl, localProfile, markMoved, publicUrl, storedDoc } from '../library/local.js';
import '../library/library.css';

/**
 * The customize page's link to the company's policy library. Signed out (or trying the site)
 * it only says what signing in adds; the editor keeps working in this browser. Signed in as
 * an HR admin: load a library policy (?library=<slug>, ?version=<id> or from the list), save
 * the current document as its next version — naming the version it builds on, so a
 * colleague's newer save is never overwritten — and keep the company profile shared.
 */
interface Props {
  /** The template being customized. */
  templateSlug: string;
  variables: Array<{ key: string; default: string }>;
  policy: CustomPolicy;
  profile: CompanyProfile;
  /** Replaces the editor's document and/or profile with what was loaded from the library. */
  onLoad: (loaded: { policy?: CustomPolicy; profile?: CompanyProfile }) => void;
}

type Loaded = Awaited<ReturnType<typeof getVersion>>;
interface Target {
  slug: string;
  name: string;
  base: number;
  published: number | null;
}

const sameProfile = (a: CompanyProfile, b: CompanyProfile) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof CompanyProfile>;
  return [...keys].every((k) => (a[k] ?? '').trim() === (b[k] ?? '').trim());
};

export default function LibraryBar({ templateSlug, variables, policy, profile, onLoad }: Props) {
  const [state, setState] = useState<'checking' | 'signed-out' | 'signed-in'>('checking');
  const [listing, setListing] = useState<(LibraryListing & { email: string }) | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [slug, setSlug] = useState(templateSlug);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [info, setInfo] = useState('');

  const refresh = async () => {
    const r = await postJson<LibraryListing & { email: string }>('/api/library', { action: 'list' });
    if (r.ok) {
      setListing(r.data);
      setState('signed-in');
    } else setState('signed-out');
    return r.ok ? r.data : null;
  };

  const open = (loaded: Loaded) => {
    setTarget({ slug: loaded.policy.slug, name: loaded.policy.name, base: loaded.version.number, published: loaded.policy.publishedVersion });
    onLoad({ policy: loaded.doc as CustomPolicy });
    setInfo(`已载入公司制度库的《${loaded.policy.name}》第 ${loaded.version.number} 版${loaded.version.number < loaded.policy.headVersion ? `（最新为第 ${loaded.policy.headVersion} 版）` : ''}。`);
  };

  useEffect(() => {
    void (async () => {
      const list = await refresh();
      if (!list) return;
      const q = new URLSearchParams(location.search);
      const version = q.get('version');
      const library = q.get('library');
      const r = version
        ? await postJson<Loaded>('/api/library', { action: 'get-version', versionId: version })
        : library
          ? await postJson<Loaded>('/api/library', { action: 'get', slug: library })
          : null;
      if (r?.ok) open(r.data);
      else if (r) setError(r.error);
      // Signed in on a fresh browser: the shared profile fills the editor.
      if (list.profile && !Object.values(localProfile()).some(Boolean)) onLoad({ profile: list.profile.profile });
    })();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const run = async <T,>(body: Record<string, unknown>, done: (data: T) => string | void) => {
    setBusy(true);
    setError('');
    setInfo('');
    const r = await postJson<T>('/api/library', body);
    setBusy(false);
    if (!r.ok) return setError([r.error, ...(r.fields ?? []).slice(0, 3)].join('；'));
    const message = done(r.data);
    if (message) setInfo(message);
    await refresh();
  };

  if (state === 'checking') return null;
  if (state === 'signed-out') {
    return (
      <p className="lib-bar muted" data-testid="library-signed-out">
        修改只保存在本机浏览器中。HR 管理员 <a href="/archive/">登录</a> 后，可把定制保存到<a href="/library/">公司制度库</a>：同事共享、保留每个版本，并发布给员工查看。
      </p>
    );
  }

  const defaults = Object.fromEntries(variables.map((v) => [v.key, v.default]));
  const fromTemplate = listing?.policies.filter((p) => p.templateSlug === templateSlug) ?? [];
  const libraryProfile = listing?.profile ?? null;
  const profileDiffers = libraryProfile ? !sameProfile(libraryProfile.profile, profile) : Object.values(profile).some(Boolean);

  const save = () =>
    run<VersionSummary>(
      target
        ? { action: 'save', slug: target.slug, name: target.name, templateSlug, doc: storedDoc(policy), defaults, baseVersion: target.base, note }
        : { action: 'save', slug, name: policy.title, templateSlug, doc: storedDoc(policy), defaults, baseVersion: null, note },
      (v) => {
        setTarget({ slug: v.slug, name: target?.name ?? policy.title, base: v.number, published: target?.published ?? null });
        setNote('');
        markMoved([templateSlug]);
        history.replaceState(null, '', customizeUrl(templateSlug, `library=${v.slug}`));
        return `已保存为公司制度库的第 ${v.number} 版（${beijingTime(v.savedAt, false)}）。`;
      },
    );

  return (
    <section className="lib-bar no-print" aria-labelledby="lib-bar-h" data-testid="library-bar">
      <h2 id="lib-bar-h">公司制度库 <span className="muted">· 已登录 {listing?.email}</span></h2>
      {error && <p className="alert" role="alert" data-testid="library-error">{error}</p>}
      {info && <p className="success" role="status" data-testid="library-info">{info}</p>}
      {target ? (
        <p>
          正在编辑《{target.name}》，基于第 {target.base} 版 · 员工查看地址 <a href={publicUrl(target.slug)}>{publicUrl(target.slug)}</a>
          {target.published === null ? '（尚未发布）' : ''} · <a href="/library/">版本与发布</a>
        </p>
      ) : (
        <>
          <p>当前内容只在本机浏览器中。保存到公司制度库后，其他 HR 管理员也能看到，并可发布给员工。</p>
          {fromTemplate.length > 0 && (
            <p>
              公司制度库中基于本模板的制度：
              {fromTemplate.map((p) => (
                <button
                  key={p.slug}
                  type="button"
                  disabled={busy}
                  onClick={() => window.confirm(`用公司制度库的《${p.name}》第 ${p.headVersion} 版替换当前编辑的内容？`) && void postJson<Loaded>('/api/library', { action: 'get', slug: p.slug }).then((r) => (r.ok ? open(r.data) : setError(r.error)))}
                >
                  载入《{p.name}》第 {p.headVersion} 版
                </button>
              ))}
            </p>
          )}
        </>
      )}
      <div className="lib-row">
        {!target && (
          <label>
            员工查看地址 /p/…/
            <input type="text" value={slug} maxLength={60} onChange={(e) => setSlug(e.target.value)} data-testid="library-slug" />
          </label>
        )}
        <label>
          修改说明（可选）
          <input type="text" value={note} maxLength={200} placeholder="例如：提前申请期限改为 60 日" onChange={(e) => setNote(e.target.value)} data-testid="library-note" />
        </label>
        <button type="button" className="primary" disabled={busy} onClick={() => void save()} data-testid="library-save">
          {busy ? '正在保存…' : target ? `保存为第 ${target.base + 1} 版` : '保存到公司制度库'}
        </button>
      </div>
      {profileDiffers && (
        <p className="notice" data-testid="library-profile">
          {libraryProfile ? `本机的公司信息与公司制度库（第 ${libraryProfile.number} 版，${libraryProfile.savedBy} 保存）不同。` : '公司制度库还没有公司信息。'}
          {libraryProfile && <button type="button" disabled={busy} onClick={() => onLoad({ profile: libraryProfile.profile })}>使用制度库的公司信息</button>}{' '}
          <button
            type="button"
            disabled={busy}
            onClick={() => void run<{ number: number }>({ action: 'save-profile', profile, baseVersion: libraryProfile?.number ?? null }, (p) => `公司信息已保存为公司制度库的第 ${p.number} 版；之后保存的制度版本都使用它。`)}
          >
            把本机公司信息保存到制度库
          </button>
        </p>
      )}
    </section>
  );
}
