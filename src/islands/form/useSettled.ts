import { startTransition, useEffect, useRef, useState } from 'react';

/**
 * A store's value as it was when its changes paused for `ms`: figures that go over every row
 * of a 1,000-row table (row counts, progress, totals, the check summary) are worked out once
 * typing pauses, not between a keystroke and its frame. When its shape changes (`shapeOf`:
 * rows added or removed by a paste, a new row, a deletion) the value follows at once, in the
 * same render as the change. `subscribe`, `get` and `shapeOf` must be stable.
 */
export function useSettled<T>(subscribe: (listener: () => void) => () => void, get: () => T, shapeOf: (value: T) => unknown, ms = 150): T {
  const [settled, setSettled] = useState(get);
  const shown = useRef(settled);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const follow = () => {
      const value = get();
      clearTimeout(timer);
      if (Object.is(value, shown.current)) return;
      if (!Object.is(shapeOf(value), shapeOf(shown.current))) {
        shown.current = value;
        setSettled(() => value);
        return;
      }
      timer = setTimeout(() => {
        const now = get();
        shown.current = now;
        startTransition(() => setSettled(() => now));
      }, ms);
    };
    // A change between the render and this effect is followed too.
    follow();
    const off = subscribe(follow);
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [subscribe, get, shapeOf, ms]);
  return settled;
}
