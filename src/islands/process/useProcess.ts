import { useCallback, useEffect, useState } from 'react';
import { postJson } from '../api.js';
import type { ProcessView } from '../../lib/process/view.js';

/** The case page's data and its one way to change it: post an action, then read the new view. */
export function useProcess() {
  const [link, setLink] = useState({ processId: '', token: '' });
  const [view, setView] = useState<ProcessView | null>(null);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  /** Reads the view; false (with the error shown) when it could not. */
  const load = useCallback(async (l: { processId: string; token: string }) => {
    const r = await postJson<{ view: ProcessView }>('/api/process', { action: 'view', processId: l.processId, ...(l.token ? { token: l.token } : {}) });
    if (r.ok) setView(r.data.view);
    else setError(r.error);
    return r.ok;
  }, []);

  /**
   * Posts an action. Stage actions answer with their message only (a 1,000-customer view is
   * ~700 KB to build and send): the page then reads the view again, busy until it has it.
   * Answers that carry the view (reading it, HR's access and robot steps) are used as they are.
   */
  const call = useCallback(
    async (body: Record<string, unknown>, l = link): Promise<boolean> => {
      setBusy(true);
      try {
        const r = await postJson<{ message: string | null; view?: ProcessView }>('/api/process', { processId: l.processId, ...(l.token ? { token: l.token } : {}), ...body });
        if (!r.ok) {
          setError(r.fields && r.fields.length > 1 ? `${r.error}（${r.fields.slice(0, 3).join('；')}）` : r.error);
          setMessage('');
          return false;
        }
        // The message shows with the view it speaks of, not before it.
        if (r.data.view) setView(r.data.view);
        if (r.data.view || (await load(l))) setError('');
        if (r.data.message) setMessage(r.data.message);
        return true;
      } finally {
        setBusy(false);
      }
    },
    [link, load],
  );

  /** Reads the view again without marking the page busy (progress polling): a failure is left for the next poll. */
  const refresh = useCallback(async () => {
    const r = await postJson<{ view: ProcessView }>('/api/process', { action: 'view', processId: link.processId, ...(link.token ? { token: link.token } : {}) });
    if (r.ok) setView(r.data.view);
  }, [link]);

  useEffect(() => {
    const l = {
      processId: new URLSearchParams(location.search).get('p') ?? '',
      token: new URLSearchParams(location.hash.slice(1)).get('t') ?? '',
    };
    setLink(l);
    if (!l.processId) setError('案件链接不完整：请使用邮件中的完整链接（包括 # 后面的部分）。');
    else void call({ action: 'view' }, l);
    const reload = () => location.reload();
    window.addEventListener('hashchange', reload);
    return () => window.removeEventListener('hashchange', reload);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  return { link, view, error, message, busy, call, refresh, setError };
}
