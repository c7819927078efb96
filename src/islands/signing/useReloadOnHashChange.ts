import { useEffect } from 'react';

/** Opening another link (same page, different #fragment secret) in this tab starts afresh. */
export function useReloadOnHashChange(): void {
  useEffect(() => {
    const reload = () => location.reload();
    window.addEventListener('hashchange', reload);
    return () => window.removeEventListener('hashchange', reload);
  }, []);
}
