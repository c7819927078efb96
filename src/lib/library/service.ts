import { randomBytes } from 'node:crypto';
import type { Sql } from '../store/sql.js';
import { SigningError } from '../signing/errors.js';
import type { CompanyProfile } from '../company-profile.js';
import { toMarkdown, type ClauseChange } from '../policy-doc.js';
import { fillText } from '../template-vars.js';
import { labelledTime } from '../time-format.js';
import { changeSummary, diffVersions } from './diff.js';
import type { PolicyDoc } from './requests.js';

/**
 * The company's policy library: HR admins save customized policies (every version kept,
 * restorable, shared by all admins) and publish one version at a stable address. A save
 * names the version it builds on; if someone saved on top of it meanwhile, the save is
 * refused rather than silently replacing their work (optimistic concurrency).
 */
export interface PolicyRow {
  slug: string;
  template_slug: string | null;
  name: string;
  head_version: number;
  published_version: number | null;
  created_by: string;
  created_at: Date;
}

export interface VersionRow {
  id: string;
  policy_slug: string;
  number: number;
  title: string;
  doc: PolicyDoc;
  vars: Record<string, string>;
  markdown: string;
  company: string;
  note: string;
  changes: Array<Pick<ClauseChange, 'kind' | 'heading'>>;
  restored_from: number | null;
  saved_by: string;
  saved_at: Date;
  published_at: Date | null;
  published_by: string | null;
  effective_at: Date | null;
}

const newId = () => randomBytes(9).toString('base64url');
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const conflict = (message: string) => new SigningError('conflict', message, 409);
const notFound = (what = '这份制度') => new SigningError('not-found', `公司制度库里找不到${what}：可能已被改名或地址有误，请回到公司制度库查看。`, 404);

/** The values a version's variables take: template defaults, then the company profile, then the policy's own. */
export function resolveValues(defaults: Record<string, string>, profile: CompanyProfile, overrides: Record<string, string>): Record<string, string> {
  const v: Record<string, string> = {};
  for (const src of [defaults, profile, overrides]) for (const [k, val] of Object.entries(src)) if (val) v[k] = val;
  return v;
}

async function currentProfile(sql: Sql) {
  return (await sql.query<{ number: number; profile: CompanyProfile; saved_by: string; saved_at: Date }>('SELECT * FROM library_profiles ORDER BY number DESC LIMIT 1'))[0] ?? null;
}

const getPolicy = async (sql: Sql, slug: string, lock = false) =>
  (await sql.query<PolicyRow>(`SELECT * FROM library_policies WHERE slug = $1${lock && sql.kind === 'postgres' ? ' FOR UPDATE' : ''}`, [slug]))[0];
const getVersionRow = async (sql: Sql, slug: string, number: number) =>
  (await sql.query<VersionRow>('SELECT * FROM library_versions WHERE policy_slug = $1 AND number = $2', [slug, number]))[0];

async function insertVersion(tx: Sql, p: PolicyRow | null, v: Omit<VersionRow, 'id' | 'saved_at' | 'published_at' | 'published_by' | 'effective_at' | 'changes' | 'markdown' | 'company'>, now: Date): Promise<VersionRow> {
  const base = p ? await getVersionRow(tx, p.slug, p.head_version) : null;
  const changes = diffVersions(base ? { doc: base.doc, vars: base.vars } : null, { doc: v.doc, vars: v.vars }).map(({ kind, heading }) => ({ kind, heading }));
  const markdown = fillText(toMarkdown({ ...v.doc, slug: v.doc.slug }), v.vars).text;
  const row = { ...v, id: newId(), markdown, company: v.vars.companyName ?? '', changes };
  await tx.query(
    `INSERT INTO library_versions (id, policy_slug, number, title, doc, vars, markdown, company, note, changes, restored_from, saved_by, saved_at)
     VALUES ($1,$2,$3,$4,$5::jsonb,$6::jsonb,$7,$8,$9,$10::jsonb,$11,$12,$13)`,
    [row.id, row.policy_slug, row.number, row.title, JSON.stringify(row.doc), JSON.stringify(row.vars), row.markdown, row.company, row.note, JSON.stringify(row.changes), row.restored_from, row.saved_by, now],
  );
  return { ...row, saved_at: now, published_at: null, published_by: null, effective_at: null };
}

/** Moves a policy's head from `base` to base + 1, or explains who got there first. */
async function advanceHead(tx: Sql, p: PolicyRow, base: number): Promise<number> {
  const moved = await tx.query<{ head_version: number }>('UPDATE library_policies SET head_version = head_version + 1 WHERE slug = $1 AND head_version = $2 RETURNING head_version', [p.slug, base]);
  if (moved.length) return moved[0].head_version;
  const head = await getVersionRow(tx, p.slug, (await getPolicy(tx, p.slug))!.head_version);
  throw conflict(
    `《${p.name}》已有更新的版本：${head.saved_by} 于 ${labelledTime(head.saved_at)} 保存了第 ${head.number} 版，而您的修改基于第 ${base} 版。` +
      `为免覆盖对方的修改，本次没有保存：请先下载 Markdown 留存您的修改，再载入第 ${head.number} 版，把修改补进去后重新保存。`,
  );
}

export interface SaveInput {
  slug: string;
  name: string;
  templateSlug: string | null;
  doc: PolicyDoc;
  defaults: Record<string, string>;
  baseVersion: number | null;
  note: string;
}

/** 保存到公司制度库: a new version on top of `baseVersion` (null: a new policy at `slug`). */
export async function saveVersion(sql: Sql, admin: string, input: SaveInput, now = new Date()) {
  return saveVersionTx(sql, admin, input, now).catch((e: { code?: string }) => {
    // Two admins creating the same address at the same moment: the database's unique key decides.
    if (e?.code === '23505') throw conflict(`公司制度库里刚刚有同事创建了地址为 /p/${input.slug}/ 的制度：请换一个地址，或先载入那份制度再修改。`);
    throw e;
  });
}

function saveVersionTx(sql: Sql, admin: string, input: SaveInput, now: Date) {
  return sql.transaction(async (tx) => {
    const profile = (await currentProfile(tx))?.profile ?? {};
    const vars = resolveValues(input.defaults, profile, input.doc.overrides);
    const existing = await getPolicy(tx, input.slug, true);
    if (input.baseVersion === null) {
      if (existing) throw conflict(`公司制度库里已有地址为 /p/${input.slug}/ 的制度《${existing.name}》：请换一个地址，或先载入那份制度再修改。`);
      await tx.query('INSERT INTO library_policies (slug, template_slug, name, head_version, created_by, created_at) VALUES ($1,$2,$3,1,$4,$5)', [input.slug, input.templateSlug, input.name, admin, now]);
      return summary(await insertVersion(tx, null, { policy_slug: input.slug, number: 1, title: input.doc.title, doc: input.doc, vars, note: input.note, restored_from: null, saved_by: admin }, now));
    }
    if (!existing) throw notFound();
    const number = await advanceHead(tx, existing, input.baseVersion);
    if (input.name !== existing.name) await tx.query('UPDATE library_policies SET name = $2 WHERE slug = $1', [input.slug, input.name]);
    return summary(await insertVersion(tx, existing, { policy_slug: input.slug, number, title: input.doc.title, doc: input.doc, vars, note: input.note, restored_from: null, saved_by: admin }, now));
  });
}

/** 恢复: a new version that copies an old one (its text and its values); history is never rewritten. */
export async function restoreVersion(sql: Sql, admin: string, slug: string, number: number, baseVersion: number, now = new Date()) {
  return sql.transaction(async (tx) => {
    const p = await getPolicy(tx, slug, true);
    if (!p) throw notFound();
    const old = await getVersionRow(tx, slug, number);
    if (!old) throw notFound(`《${p.name}》的第 ${number} 版`);
    const next = await advanceHead(tx, p, baseVersion);
    return summary(await insertVersion(tx, p, { policy_slug: slug, number: next, title: old.title, doc: old.doc, vars: old.vars, note: `恢复自第 ${number} 版`, restored_from: number, saved_by: admin }, now));
  });
}

/**
 * 发布: the stable address shows this version from now on; the version keeps its own address.
 * effectiveDate (Beijing calendar day) is when it takes effect; without one, at publishing.
 */
export async function publishVersion(sql: Sql, admin: string, slug: string, number: number, effectiveDate?: string, now = new Date()) {
  return sql.transaction(async (tx) => {
    const p = await getPolicy(tx, slug, true);
    if (!p) throw notFound();
    const v = await getVersionRow(tx, slug, number);
    if (!v) throw notFound(`《${p.name}》的第 ${number} 版`);
    const unknown = fillText(toMarkdown(v.doc), v.vars).unknown;
    if (unknown.length) throw new SigningError('unfilled', `第 ${number} 版还有未填写的变量 ${unknown.map((k) => `{{${k}}}`).join('、')}：请在定制页面填写后保存为新版本，再发布。`, 422);
    const effective = effectiveDate ? new Date(`${effectiveDate}T00:00:00+08:00`) : now;
    // Published once, a version keeps its first publication and effective date: publishing it
    // again only points the stable address back at it.
    await tx.query('UPDATE library_versions SET published_at = coalesce(published_at, $3), published_by = coalesce(published_by, $4), effective_at = coalesce(effective_at, $5) WHERE policy_slug = $1 AND number = $2', [slug, number, now, admin, effective]);
    await tx.query('UPDATE library_policies SET published_version = $2 WHERE slug = $1', [slug, number]);
    return summary((await getVersionRow(tx, slug, number))!);
  });
}

/** 公司信息: a new profile version on top of `baseVersion` (null: the first). */
export async function saveProfile(sql: Sql, admin: string, profile: CompanyProfile, baseVersion: number | null, now = new Date()) {
  return sql.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query('LOCK TABLE library_profiles IN EXCLUSIVE MODE');
    const cur = await currentProfile(tx);
    if ((cur?.number ?? null) !== baseVersion) {
      throw conflict(
        cur
          ? `公司信息已被 ${cur.saved_by} 于 ${labelledTime(cur.saved_at)} 更新为第 ${cur.number} 版，本次没有保存：请先载入最新的公司信息，再修改后保存。`
          : '公司制度库里还没有公司信息，本次没有保存：请刷新页面后重试。',
      );
    }
    const number = (cur?.number ?? 0) + 1;
    const clean = Object.fromEntries(Object.entries(profile).filter(([, v]) => v));
    await tx.query('INSERT INTO library_profiles (number, profile, saved_by, saved_at) VALUES ($1, $2::jsonb, $3, $4)', [number, JSON.stringify(clean), admin, now]);
    return { number, profile: clean as CompanyProfile, savedBy: admin, savedAt: now.toISOString() };
  });
}

/**
 * 移入公司制度库: this browser's customizations become library policies (one new policy each,
 * at the template's address, or -2, -3… where that is taken); its profile is taken when the
 * library has none yet (an existing shared profile is never replaced by one browser's).
 */
export async function importLocal(sql: Sql, admin: string, input: { profile?: CompanyProfile; policies: Array<{ templateSlug: string | null; doc: PolicyDoc; defaults: Record<string, string> }> }, now = new Date()) {
  let profileTaken = false;
  if (input.profile && Object.values(input.profile).some(Boolean) && !(await currentProfile(sql))) {
    await saveProfile(sql, admin, input.profile, null, now).then(() => (profileTaken = true)).catch((e) => {
      if (!(e instanceof SigningError)) throw e;
    });
  }
  const created: Array<{ slug: string; name: string }> = [];
  for (const p of input.policies) {
    const stem = (p.templateSlug ?? 'policy').slice(0, 55).replace(/-+$/, '') || 'policy';
    for (let n = 1; n < 100; n++) {
      const slug = n === 1 ? stem : `${stem}-${n}`;
      if (await getPolicy(sql, slug)) continue;
      try {
        await saveVersion(sql, admin, { slug, name: p.doc.title, templateSlug: p.templateSlug, doc: p.doc, defaults: p.defaults, baseVersion: null, note: '从本机浏览器移入' }, now);
        created.push({ slug, name: p.doc.title });
        break;
      } catch (e) {
        if (!(e instanceof SigningError && e.code === 'conflict')) throw e; // another admin took the address just now
      }
    }
  }
  return { created, profileTaken };
}

function summary(v: VersionRow) {
  return {
    id: v.id,
    slug: v.policy_slug,
    number: v.number,
    title: v.title,
    note: v.note,
    changes: v.number === 1 ? '首个版本' : changeSummary(v.changes as ClauseChange[]),
    restoredFrom: v.restored_from,
    savedBy: v.saved_by,
    savedAt: iso(v.saved_at)!,
    publishedAt: iso(v.published_at),
    publishedBy: v.published_by,
    effectiveAt: iso(v.effective_at),
  };
}
export type VersionSummary = ReturnType<typeof summary>;

/** The library page: every policy with its versions (newest first), and the company profile. */
export async function listLibrary(sql: Sql) {
  const [policies, versions, profile] = await Promise.all([
    sql.query<PolicyRow>('SELECT * FROM library_policies ORDER BY name, slug'),
    sql.query<VersionRow>('SELECT id, policy_slug, number, title, note, changes, restored_from, saved_by, saved_at, published_at, published_by, effective_at FROM library_versions ORDER BY policy_slug, number DESC'),
    currentProfile(sql),
  ]);
  return {
    policies: policies.map((p) => ({
      slug: p.slug,
      name: p.name,
      templateSlug: p.template_slug,
      headVersion: p.head_version,
      publishedVersion: p.published_version,
      createdBy: p.created_by,
      createdAt: iso(p.created_at)!,
      versions: versions.filter((v) => v.policy_slug === p.slug).map(summary),
    })),
    profile: profile ? { number: profile.number, profile: profile.profile, savedBy: profile.saved_by, savedAt: iso(profile.saved_at)! } : null,
  };
}
export type LibraryListing = Awaited<ReturnType<typeof listLibrary>>;

/** One version with its document, to load into the customizer (the head when `number` is omitted). */
export async function getVersion(sql: Sql, slug: string, number?: number) {
  const p = await getPolicy(sql, slug);
  if (!p) throw notFound();
  const v = await getVersionRow(sql, slug, number ?? p.head_version);
  if (!v) throw notFound(`《${p.name}》的第 ${number} 版`);
  return { policy: { slug: p.slug, name: p.name, templateSlug: p.template_slug, headVersion: p.head_version, publishedVersion: p.published_version }, version: summary(v), doc: v.doc, vars: v.vars };
}

/** The same by a version's public id (the acknowledgment sender's ?version=). */
export async function getVersionById(sql: Sql, id: string) {
  const v = (await sql.query<VersionRow>('SELECT policy_slug, number FROM library_versions WHERE id = $1', [id]))[0];
  if (!v) throw notFound('这个版本');
  return getVersion(sql, v.policy_slug, v.number);
}

/**
 * What a public address shows: a published version (the newest one at the stable address),
 * and the published version before it. Drafts are never public: an unpublished version's
 * address is "not found", exactly like one that does not exist.
 */
export async function publishedView(sql: Sql, slug: string, number: number | null) {
  const p = await getPolicy(sql, slug);
  if (!p || p.published_version === null) return null;
  const v = await getVersionRow(sql, slug, number ?? p.published_version);
  if (!v || !v.published_at) return null;
  const previous = (await sql.query<VersionRow>('SELECT * FROM library_versions WHERE policy_slug = $1 AND number < $2 AND published_at IS NOT NULL ORDER BY number DESC LIMIT 1', [slug, v.number]))[0] ?? null;
  const published = await sql.query<{ number: number; effective_at: Date; published_at: Date }>('SELECT number, effective_at, published_at FROM library_versions WHERE policy_slug = $1 AND published_at IS NOT NULL ORDER BY number DESC', [slug]);
  return { policy: p, version: v, previous, current: v.number === p.published_version, published };
}
export type PublishedView = NonNullable<Awaited<ReturnType<typeof publishedView>>>;
