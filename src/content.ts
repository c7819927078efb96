/** Content queries shared by the pages: one place decides ordering and grouping. */
import { getCollection, type CollectionEntry } from 'astro:content';
import { CATEGORIES, type CategorySlug } from './lib/categories.js';

export type Policy = CollectionEntry<'policies'>;
export type Form = CollectionEntry<'forms'>;

export async function allPolicies(): Promise<Policy[]> {
  const entries = await getCollection('policies');
  const order = new Map(CATEGORIES.map((c, i) => [c.slug, i]));
  return entries.sort(
    (a, b) => order.get(a.data.category)! - order.get(b.data.category)! || a.data.title.localeCompare(b.data.title, 'zh-CN'),
  );
}

export async function policiesByCategory(): Promise<Map<CategorySlug, Policy[]>> {
  const grouped = new Map<CategorySlug, Policy[]>(CATEGORIES.map((c) => [c.slug, []]));
  for (const p of await allPolicies()) grouped.get(p.data.category)!.push(p);
  return grouped;
}

export async function allForms(): Promise<Form[]> {
  return (await getCollection('forms')).sort((a, b) => a.data.title.localeCompare(b.data.title, 'zh-CN'));
}

export async function formsById(): Promise<Map<string, Form>> {
  return new Map((await getCollection('forms')).map((f) => [f.id, f]));
}

export const policyUrl = (p: Policy) => `/policies/${p.id}/`;
export const formUrl = (id: string) => `/forms/${id}/`;
export const categoryUrl = (slug: CategorySlug) => `/categories/${slug}/`;

export function formatDate(d: Date): string {
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}
