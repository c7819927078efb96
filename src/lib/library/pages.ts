import { createHash } from 'node:crypto';
import { Marked, type Tokens } from 'marked';
import type { ClauseChange } from '../policy-doc.js';
import { labelledTime } from '../time-format.js';
import { CHANGE_LABEL, diffVersions } from './diff.js';
import type { PublishedView } from './service.js';

/**
 * The published policy as staff open it: server-rendered HTML without any script, readable
 * on a 360 px phone, printable on A4. Everything from the database is escaped; Markdown's raw
 * HTML is shown as text, and only http(s), mailto and same-site links stay links.
 */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const safeHref = (href: string) => (/^(https?:|mailto:)/i.test(href) || /^\/(?!\/)/.test(href) || /^#/.test(href) ? href : null);

const marked = new Marked({
  renderer: {
    html: (token) => escapeHtml(token.text),
    link(this: { parser: { parseInline: (t: Tokens.Generic[]) => string } }, token: Tokens.Link) {
      const text = this.parser.parseInline(token.tokens);
      const href = safeHref(token.href);
      return href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${text}</a>` : text;
    },
    // No images from policy text: a published page fetches nothing from elsewhere.
    image: (token: Tokens.Image) => escapeHtml(token.text),
  },
});

export function markdownHtml(markdown: string): string {
  return marked.parse(markdown, { async: false }) as string;
}

const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --soft: #f6f8fa; --link: #0b5cad; --accent: #b4232c; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif; font-size: 16px; line-height: 1.75; color: var(--ink); background: #fff; overflow-wrap: anywhere; }
a { color: var(--link); }
.skip-link { position: absolute; left: -9999px; } .skip-link:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; }
main { max-width: 820px; margin: 0 auto; padding: 16px 16px 40px; }
header.doc { border-bottom: 2px solid var(--accent); padding-bottom: 10px; margin-bottom: 16px; }
.company { color: var(--muted); margin: 0; font-size: 15px; }
h1 { font-size: 26px; line-height: 1.35; margin: 4px 0 8px; }
h2 { font-size: 20px; margin: 28px 0 8px; } h3 { font-size: 17px; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 0; padding: 0; list-style: none; color: var(--muted); font-size: 14px; }
.meta strong { color: var(--ink); }
.notice { border: 1px solid #e0b100; background: #fff8db; border-radius: 8px; padding: 8px 12px; margin: 12px 0; }
.current { border-color: #8fd19e; background: #effaf1; }
.links { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 12px 0 0; padding: 0; list-style: none; font-size: 15px; }
.body table { border-collapse: collapse; display: block; overflow-x: auto; max-width: 100%; }
.body th, .body td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
.body blockquote { margin: 0; padding-left: 12px; border-left: 3px solid var(--line); color: var(--muted); }
.history { border-top: 1px solid var(--line); margin-top: 32px; padding-top: 8px; font-size: 14px; color: var(--muted); }
.history ul { padding-left: 18px; }
.changes { padding-left: 20px; } .changes li { margin-bottom: 12px; }
.kind { font-weight: 700; }
.diff { white-space: pre-wrap; background: var(--soft); border-radius: 6px; padding: 6px 10px; margin: 4px 0; font-size: 15px; }
ins { background: #dafbe1; text-decoration: underline; text-decoration-color: #1a7f37; }
del { background: #ffebe9; text-decoration: line-through; }
footer { max-width: 820px; margin: 0 auto; padding: 12px 16px 24px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); }
@media (max-width: 480px) { h1 { font-size: 22px; } body { font-size: 15.5px; } }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print {
  body { font-size: 11pt; line-height: 1.6; color: #000; }
  main { max-width: none; padding: 0; }
  .links, .history, footer, .skip-link { display: none !important; }
  .notice { border: 0; background: none; padding: 0; }
  a { color: #000; text-decoration: none; }
  h2 { font-size: 14pt; break-after: avoid; } p, li { orphans: 3; widows: 3; } tr, li { break-inside: avoid; }
}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** No script may run, nothing is loaded from elsewhere, the page cannot be framed; only this stylesheet applies. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function page(title: string, main: string, footer = ''): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip-link" href="#main">跳到正文</a>
<main id="main">
${main}
</main>
<footer>${footer}</footer>
</body>
</html>
`;
}

// Without a trailing slash: the form vercel.json's rewrite (/p/:path*) routes to the function.
const base = (slug: string) => `/p/${slug}`;
const versionUrl = (slug: string, n: number) => `/p/${slug}/v${n}`;

function heading(v: PublishedView) {
  const { policy, version } = v;
  return `<header class="doc">
${version.company ? `<p class="company">${escapeHtml(version.company)}</p>` : ''}
<h1>${escapeHtml(version.title)}</h1>
<ul class="meta" aria-label="版本信息">
<li>版本：<strong>第 ${version.number} 版</strong></li>
<li>生效时间：<strong>${escapeHtml(labelledTime(version.effective_at))}</strong></li>
<li>发布时间：${escapeHtml(labelledTime(version.published_at))}</li>
</ul>
${v.current
    ? `<p class="notice current">这是《${escapeHtml(policy.name)}》当前有效的版本。</p>`
    : `<p class="notice" role="note">这是历史版本，已被新版本取代。当前有效的是第 ${policy.published_version} 版：<a href="${base(policy.slug)}">查看当前版本</a></p>`}
</header>`;
}

/** The published version itself: /p/<slug>/ (the newest) or /p/<slug>/v<N>/. */
export function publishedPage(v: PublishedView): string {
  const { policy, version, previous } = v;
  const own = versionUrl(policy.slug, version.number);
  const links = [
    `<li><a href="${own}/pdf" download>下载 PDF（第 ${version.number} 版）</a></li>`,
    previous ? `<li><a href="${own}/changes">与上一发布版本（第 ${previous.number} 版）相比的修改</a></li>` : '<li>这是第一个发布的版本</li>',
    v.current ? `<li>本版本的固定地址：<a href="${own}">${own}</a></li>` : '',
  ].join('');
  const history = v.published.length > 1
    ? `<section class="history" aria-labelledby="history-h"><h2 id="history-h">发布记录</h2><ul>${v.published
        .map((p) => `<li>${p.number === version.number ? `<strong>第 ${p.number} 版（本页）</strong>` : `<a href="${versionUrl(policy.slug, p.number)}">第 ${p.number} 版</a>`} · 生效 ${escapeHtml(labelledTime(p.effective_at))}${p.number === policy.published_version ? ' · 当前有效' : ''}</li>`)
        .join('')}</ul></section>`
    : '';
  return page(
    `${version.title}（第 ${version.number} 版）`,
    `${heading(v)}
<ul class="links no-print">${links}</ul>
<article class="body" aria-label="制度正文">
${markdownHtml(version.markdown)}
</article>
${history}`,
    `本页由公司 HR 发布。地址 ${escapeHtml(base(policy.slug))} 始终显示最新发布的版本；每个版本另有自己的地址，发布后内容不再改变。`,
  );
}

function changeItem(ch: ClauseChange): string {
  // Long unchanged stretches are shortened, as in the customizer: the changes stand out.
  const same = (t: string) => escapeHtml(t.length > 120 ? `${t.slice(0, 50)} … ${t.slice(-50)}` : t);
  const parts = ch.parts?.map(([t, k]) => (k === 'same' ? same(t) : k === 'added' ? `<ins>${escapeHtml(t)}</ins>` : `<del>${escapeHtml(t)}</del>`)).join('') ?? '';
  return `<li><span class="kind">${CHANGE_LABEL[ch.kind]}</span>：${escapeHtml(ch.heading)}${parts ? `<div class="diff">${parts}</div>` : ''}</li>`;
}

/** /p/<slug>/v<N>/changes/: what changed since the previous published version, clause by clause. */
export function changesPage(v: PublishedView): string {
  const { policy, version, previous } = v;
  const own = versionUrl(policy.slug, version.number);
  const body = previous
    ? (() => {
        const changes = diffVersions({ doc: previous.doc, vars: previous.vars }, { doc: version.doc, vars: version.vars });
        return `<p>比较对象：<a href="${versionUrl(policy.slug, previous.number)}">第 ${previous.number} 版</a>（生效 ${escapeHtml(labelledTime(previous.effective_at))}）→ <a href="${own}">第 ${version.number} 版</a>（生效 ${escapeHtml(labelledTime(version.effective_at))}）。<ins>下划线绿色</ins>为新增文字，<del>删除线红色</del>为删去的文字。</p>
${changes.length ? `<ol class="changes">${changes.map(changeItem).join('')}</ol>` : '<p>两个版本的正文相同。</p>'}`;
      })()
    : '<p>这是第一个发布的版本，没有更早的发布版本可以比较。</p>';
  return page(
    `${version.title}：第 ${version.number} 版的修改`,
    `<header class="doc">
${version.company ? `<p class="company">${escapeHtml(version.company)}</p>` : ''}
<h1>${escapeHtml(version.title)}：第 ${version.number} 版修改了什么</h1>
<ul class="links"><li><a href="${own}">阅读第 ${version.number} 版全文</a></li><li><a href="${base(policy.slug)}">当前有效版本</a></li></ul>
</header>
${body}`,
  );
}

/** Unknown address, or a version that was never published: the same answer, so drafts cannot be probed. */
export function notFoundPage(): string {
  return page('找不到这份制度', '<h1>找不到这份制度</h1><p>这个地址没有已发布的制度，可能是链接不完整，或者 HR 还没有发布。请向 HR 索取正确的链接。</p>');
}
