/** POST JSON to one of our functions; errors come back as zh-CN text, never thrown raw. */
export async function postJson<T>(url: string, body: unknown): Promise<{ ok: true; data: T } | { ok: false; error: string; fields?: string[] }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await res.json().catch(() => ({}))) as T & { error?: string; fields?: string[] };
    return res.ok ? { ok: true, data } : { ok: false, error: data.error ?? `请求失败（${res.status}）`, fields: data.fields };
  } catch {
    return { ok: false, error: '无法连接服务器，请检查网络后重试。' };
  }
}

/** POST JSON and receive a file (PDF) as a blob. */
export async function postForBlob(url: string, body: unknown): Promise<{ ok: true; blob: Blob } | { ok: false; error: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
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
