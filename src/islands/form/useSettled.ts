import { startTransition, useEffect, useState } from 'react';

/**
 * `value` as it was when the changes paused for `ms`: figures that go over every row of a
 * 1,000-row table (row counts, progress, totals, the check summary) are worked out once typing
 * pauses, not between a keystroke and its frame. When its shape changes (`shapeOf`: rows added
 * or removed by a paste, a new row, a deletion) the value follows at once, in the same render.
 */
export function useSettled<T>(value: T, shapeOf: (value: T) => unknown, ms = 150): T {
  const [settled, setSettled] = useState(value);
  const now = !Object.is(shapeOf(value), shapeOf(settled));
  useEffect(() => {
    if (Object.is(settled, value)) return;
    // Already shown as `value` (returned below): the state only catches up.
    if (now) return setSettled(() => value);
    const t = setTimeout(() => startTransition(() => setSettled(() => value)), ms);
    return () => clearTimeout(t);
  }, [value, now, settled, ms]);
  return now ? value : settled;
}
