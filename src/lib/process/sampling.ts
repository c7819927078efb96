/**
 * The spot-check sample: every A customer, every customer forced in, and a random share of
 * the rest. The draw is reproducible from its seed, so anyone can re-run it and check that
 * the sample was not hand-picked.
 */
export interface SampleCandidate {
  id: string;
  grade: string;
  /** forced in (e.g. the customer raised a concern) */
  forced?: boolean;
}

export interface SampleRule {
  /** Share of the other customers (not A, not forced) drawn, 0..1. */
  share: number;
  /** Fewest customers in the sample in all, when there are that many. */
  min: number;
}

export interface SampleResult {
  ids: string[];
  reasons: Record<string, 'grade-a' | 'forced' | 'random'>;
  seed: string;
  rule: SampleRule;
}

export const DEFAULT_SAMPLE_RULE: SampleRule = Object.freeze({ share: 0.2, min: 3 });

/** FNV-1a (32-bit) over the seed's UTF-8 bytes: same seed text, same number, on any platform. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(seed)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny PRNG that is plenty for picking customers; returns floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isGradeA = (c: SampleCandidate) => c.grade.trim().toUpperCase() === 'A';

/** How many to draw at random from `restCount` others when `alreadyIncluded` are in anyway. */
function randomCount(rule: SampleRule, restCount: number, alreadyIncluded: number): number {
  // Take off float noise first: 0.7 × 10 is 7.000000000000001 and must not become 8.
  const byShare = Math.ceil(Math.round(rule.share * restCount * 1e9) / 1e9);
  return Math.min(restCount, Math.max(byShare, rule.min - alreadyIncluded));
}

export function drawSample(candidates: SampleCandidate[], rule: SampleRule, seed: string): SampleResult {
  if (!Number.isFinite(rule.share) || rule.share < 0 || rule.share > 1) throw new Error(`抽查比例应在 0 到 100% 之间：${rule.share}`);
  if (!Number.isInteger(rule.min) || rule.min < 0) throw new Error(`最少抽查数应为不小于 0 的整数：${rule.min}`);
  const seen = new Set<string>();
  for (const c of candidates) {
    if (seen.has(c.id)) throw new Error(`客户编号重复：${c.id}`);
    seen.add(c.id);
  }

  // A Map, not an object: an id like "constructor" must not look already taken.
  const reasons = new Map<string, SampleResult['reasons'][string]>();
  for (const c of candidates) {
    if (isGradeA(c)) reasons.set(c.id, 'grade-a');
    else if (c.forced) reasons.set(c.id, 'forced');
  }
  // Sorted by id so the draw depends only on who the candidates are, not how they were listed.
  const rest = candidates
    .filter((c) => !reasons.has(c.id))
    .map((c) => c.id)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const k = randomCount(rule, rest.length, candidates.length - rest.length);

  // Partial Fisher–Yates: the first k places end up a uniform random k-subset.
  const random = mulberry32(hashSeed(seed));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (rest.length - i));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  for (const id of rest.slice(0, k)) reasons.set(id, 'random');

  const ids = candidates.filter((c) => reasons.has(c.id)).map((c) => c.id);
  return { ids, reasons: Object.fromEntries(ids.map((id) => [id, reasons.get(id)!])), seed, rule: { share: rule.share, min: rule.min } };
}
