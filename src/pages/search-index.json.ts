import type { APIRoute } from 'astro';
import { allPolicies } from '../content.js';
import { categoryLabel } from '../lib/categories.js';
import { markdownToPlainText } from '../lib/plain-text.js';
import type { SearchDoc } from '../lib/search.js';

/** Static search index, built with the site: policy text with variables filled by defaults. */
export const GET: APIRoute = async () => {
  const docs: SearchDoc[] = (await allPolicies()).map((p) => ({
    slug: p.id,
    title: p.data.title,
    category: p.data.category,
    categoryLabel: categoryLabel(p.data.category),
    summary: p.data.summary,
    keywords: p.data.keywords,
    appliesTo: p.data.appliesTo,
    text: markdownToPlainText(p.body ?? '', Object.fromEntries(p.data.variables.map((v) => [v.key, v.default]))),
  }));
  return new Response(JSON.stringify(docs), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
