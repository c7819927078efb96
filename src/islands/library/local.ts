import type { CompanyProfile } from '../../lib/company-profile.js';
import type { CustomPolicy } from '../../lib/policy-doc.js';

/**
 * What the browser-only mode keeps (PolicyCustomizer's localStorage keys), read for
 * 移入公司制度库. Damaged entries are skipped, never thrown.
 */
export const PROFILE_KEY = 'handover-kit:company-profile';
const POLICY_PREFIX = 'handover-kit:policy:';

export function localProfile(): CompanyProfile {
  try {
    const p = JSON.parse(localStorage.getItem(PROFILE_KEY) ?? '{}') as CompanyProfile;
    return p && typeof p === 'object' ? p : {};
  } catch {
    return {};
  }
}

/** The customized policies in this browser, by template slug (only those with clauses). */
export function localPolicies(): Array<{ templateSlug: string; doc: CustomPolicy }> {
  const out: Array<{ templateSlug: string; doc: CustomPolicy }> = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i) ?? '';
    if (!key.startsWith(POLICY_PREFIX)) continue;
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as { current?: CustomPolicy } | null;
      const doc = saved?.current;
      if (doc && Array.isArray(doc.clauses) && typeof doc.title === 'string') out.push({ templateSlug: key.slice(POLICY_PREFIX.length), doc: { ...doc, overrides: doc.overrides ?? {} } });
    } catch {
      // a damaged entry stays where it is
    }
  }
  return out;
}

/** The clauses' fields the server stores (nothing the editor may add for itself). */
export function storedDoc(doc: CustomPolicy): CustomPolicy {
  return {
    slug: doc.slug,
    title: doc.title,
    clauses: doc.clauses.map((c) => ({ id: c.id, heading: c.heading, body: c.body, enabled: c.enabled, origin: c.origin, ...(c.optional ? { optional: true } : {}) })),
    overrides: Object.fromEntries(Object.entries(doc.overrides ?? {}).filter(([, v]) => typeof v === 'string')),
  };
}

/** Without a trailing slash: the form vercel.json's rewrite (/p/:path*) routes to the function. */
export const publicUrl = (slug: string, number?: number) => `/p/${slug}${number ? `/v${number}` : ''}`;
export const customizeUrl = (templateSlug: string, query: string) => `/policies/${templateSlug}/customize/?${query}`;

/** Templates whose browser customization was moved into (or saved to) the library: not offered again. */
const MOVED_KEY = 'handover-kit:library:moved';

export function movedTemplates(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(MOVED_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

export function markMoved(slugs: string[]): void {
  try {
    localStorage.setItem(MOVED_KEY, JSON.stringify([...new Set([...movedTemplates(), ...slugs])]));
  } catch {
    // storage full or blocked: the panel is merely offered again
  }
}
