import { useEffect, useState } from 'react';

/**
 * False in the server-rendered HTML and until React has taken over the island. Forms use it
 * to stay disabled meanwhile, so nothing typed on a slow device is lost at hydration.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
