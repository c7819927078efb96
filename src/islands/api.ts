/**
 * fetch that waits and tries again (twice) while the server answers 503 — the database
 * briefly unavailable — honouring Retry-After up to 5 s. What the user typed stays put.
 */
async function fetchRetrying(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, init);
    if (res.status !== 503 || attempt >= 2) return res;
    const wait = Math.min(5, Number(res.headers.get('Retry-After') ?? 2) || 2);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

/** POST JSON to one of our functions; errors come back as zh-CN text, never thrown raw. */
export async function postJson<T>(url: string, body: unknown): Promise<{ ok: true; data: T } | { ok: false; error: string; fields?: string[] }> {
  try {
    const res = await fetchRetrying(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await res.json().catch(() => ({}))) as T & { error?: string; fields?: string[] };
    return res.ok ? { ok: true, data } : { ok: false, error: data.error ?? `请求失败（${res.status}）`, fields: data.fields };
  } catch {
    return { ok: false, error: '无法连接服务器，请检查网络后重试。' };
  }
}

/** POST JSON and receive a file (PDF) as a blob. */
export async function postForBlob(url: string, body: unknown): Promise<{ ok: true; blob: Blob } | { ok: false; error: string }> {
  try {
    const res = await fetchRetrying(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.ok) return { ok: true, blob: await res.blob() };
    const data = (await res.json().catch(() => ({}))) as { error?: string };
    return { ok: false, error: data.error ?? `下载失败（${res.status}）` };
  } catch {
    return { ok: false, error: '无法连接服务器，请检查网络后重试。' };
  }
}

/** Reads `?c=` and the `#t=`/`#k=` fragment secret (fragments never reach server logs). */
export function linkParams(secretName: 't' | 'k'): { caseId: string; secret: string } {
  const caseId = new URLSearchParams(location.search).get('c') ?? '';
  const secret = new URLSearchParams(location.hash.slice(1)).get(secretName) ?? '';
  return { caseId, secret };
}
