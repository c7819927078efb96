import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

interface Stored<T> {
  savedAt: string;
  value: T;
}

const PREFIX = 'hk-case-draft:';
const WRITE_DELAY_MS = 400;

function read<T>(key: string): Stored<T> | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as Stored<T>) : null;
  } catch {
    return null; // unreadable or blocked storage: there is simply no local draft
  }
}

/**
 * Edits of one case-page editor that the server does not have yet, kept in this browser so a
 * reload, a closed tab or a failed save loses nothing. While the edits are unsaved, fresh
 * data from the server (after someone else's action) does not overwrite them; `saved()`
 * after a successful save drops the local copy and follows the server again.
 */
export function useLocalDraft<T>(key: string, server: T) {
  const serverJson = useMemo(() => JSON.stringify(server), [server]);
  const latestServer = useRef(serverJson);
  const [state, setState] = useState<{ value: T; dirty: boolean; restoredAt: string | null }>({ value: server, dirty: false, restoredAt: null });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pending = useRef<{ value: T } | null>(null);

  // Restore what this browser kept for this editor, when it differs from the server's copy.
  useEffect(() => {
    const kept = read<T>(key);
    if (kept && JSON.stringify(kept.value) !== latestServer.current) setState({ value: kept.value, dirty: true, restoredAt: kept.savedAt });
  }, [key]);

  // Follow the server while there are no unsaved edits.
  useEffect(() => {
    if (serverJson === latestServer.current) return;
    latestServer.current = serverJson;
    setState((s) => (s.dirty ? s : { value: JSON.parse(serverJson) as T, dirty: false, restoredAt: null }));
  }, [serverJson]);

  const set = useCallback((update: T | ((value: T) => T)) => {
    setState((s) => ({ ...s, value: typeof update === 'function' ? (update as (value: T) => T)(s.value) : update, dirty: true }));
  }, []);

  // Unsaved edits go to this browser's storage shortly after each change (and at once when
  // the page is left).
  const write = useCallback(() => {
    clearTimeout(timer.current);
    if (!pending.current) return;
    try {
      localStorage.setItem(PREFIX + key, JSON.stringify({ savedAt: new Date().toISOString(), value: pending.current.value } satisfies Stored<T>));
    } catch {
      /* storage full or blocked: the edits stay on screen, the leave-page warning still guards them */
    }
    pending.current = null;
  }, [key]);
  useEffect(() => {
    if (!state.dirty) return;
    pending.current = { value: state.value };
    clearTimeout(timer.current);
    timer.current = setTimeout(write, WRITE_DELAY_MS);
  }, [state.value, state.dirty, write]);

  /** After a successful save (or to throw the local edits away): back to the server's copy. */
  const saved = useCallback(() => {
    clearTimeout(timer.current);
    pending.current = null;
    try {
      localStorage.removeItem(PREFIX + key);
    } catch {
      /* nothing kept */
    }
    setState({ value: JSON.parse(latestServer.current) as T, dirty: false, restoredAt: null });
  }, [key]);

  // Leaving the page with unsaved edits asks first.
  useEffect(() => {
    if (!state.dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      write();
      e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [state.dirty, write]);

  return { value: state.value, dirty: state.dirty, restoredAt: state.restoredAt, set, saved };
}
