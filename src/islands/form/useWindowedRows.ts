import { useEffect, useRef, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { defaultRangeExtractor, measureElement, useVirtualizer, type Range } from '@tanstack/react-virtual';
import './windowed.css';

/**
 * Tables longer than this render only the rows in view (plus a margin). Shorter ones render
 * every row: nothing to gain there, and the browser's own find (Ctrl+F) then sees them all.
 */
export const WINDOW_FROM = 100;

/** True while the page is being printed (print dialog or print media emulation). */
export function usePrinting(): boolean {
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    const media = window.matchMedia('print');
    // beforeprint comes before the print layout is taken: render synchronously so it is in it.
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(media.matches);
    const change = () => (media.matches ? before() : after());
    // Already printing (or print media) when the form came alive: keep the printed copy.
    if (media.matches) setPrinting(true);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    media.addEventListener('change', change);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
      media.removeEventListener('change', change);
    };
  }, []);
  return printing;
}

/** One rendered row (`index` is its position in the list) or a blank stretch standing for rows not rendered. */
export type WindowPart = { kind: 'row'; index: number; key: number | string } | { kind: 'gap'; key: string; height: number };

interface Options {
  count: number;
  /** The scrolling box that holds the table. */
  scrollRef: RefObject<HTMLElement | null>;
  /** Expected row height in px; rows are measured once rendered. */
  estimate: number;
  /** Height of the sticky header in px, so a row scrolled to is not hidden under it. */
  header?: number;
  /** Render every row while printing (a table that has no separate print rendering). */
  printAll?: boolean;
  /** A stable key per position, so measured heights follow a row. */
  keyOf?: (index: number) => number | string;
  /**
   * Rows of one kind have about the same height (e.g. rows showing an error are taller): a row
   * not measured yet is assumed as tall as the measured rows of its kind. Then the scroll
   * height is right from the start, and End or a scroll to the last row lands there.
   */
  kindOf?: (index: number) => string;
  /** Rows rendered beyond each edge of the view (default 6). */
  overscan?: number;
}

export interface WindowedRows {
  windowed: boolean;
  /** Rows and blank stretches in order: render a row for each `row`, a spacer row for each `gap`. */
  parts: WindowPart[];
  /** Ref callback for each rendered row element (needs `data-index`), to measure its height. */
  measure: ((el: Element | null) => void) | undefined;
  /** Keep this position rendered even when scrolled out (the row holding focus). */
  keep: (index: number | null) => void;
  /** Scrolls position `index` into view (renders it first when windowed). */
  scrollTo: (index: number, align?: 'auto' | 'center') => void;
}

/**
 * Windowed rendering of a long table inside a scroll box, shared by the table editor and the
 * case page's customer list. The focused row stays mounted when scrolled away, so typing,
 * Tab and screen readers do not lose their place.
 */
export function useWindowedRows({ count, scrollRef, estimate, header = 0, printAll = false, keyOf, kindOf, overscan = 6 }: Options): WindowedRows {
  const printing = usePrinting();
  const windowed = count > WINDOW_FROM && !(printAll && printing);
  const kept = useRef<number | null>(null);
  // Measured heights by kind of row: each row's last height, and the sum and count per kind.
  const heights = useRef({ byKey: new Map<unknown, [string, number]>(), byKind: new Map<string, { sum: number; n: number }>() });
  const kindRef = useRef(kindOf);
  kindRef.current = kindOf;
  const virtualizer = useVirtualizer<HTMLElement, Element>({
    count: windowed ? count : 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => {
      const kind = kindRef.current?.(index);
      const seen = kind === undefined ? undefined : heights.current.byKind.get(kind);
      return seen ? seen.sum / seen.n : estimate;
    },
    measureElement: (el, entry, instance) => {
      const size = measureElement(el, entry, instance);
      const index = instance.indexFromElement(el);
      const kind = kindRef.current?.(index);
      if (kind !== undefined) {
        const { byKey, byKind } = heights.current;
        const key = instance.options.getItemKey(index);
        const before = byKey.get(key);
        if (before) {
          const k = byKind.get(before[0])!;
          k.sum -= before[1];
          k.n -= 1;
        }
        byKey.set(key, [kind, size]);
        const k = byKind.get(kind) ?? { sum: 0, n: 0 };
        k.sum += size;
        k.n += 1;
        byKind.set(kind, k);
      }
      return size;
    },
    overscan,
    scrollPaddingStart: header,
    getItemKey: keyOf,
    rangeExtractor: (range: Range) => {
      const list = defaultRangeExtractor(range);
      const k = kept.current;
      if (k !== null && k < range.count && !list.includes(k)) return [...list, k].sort((a, b) => a - b);
      return list;
    },
  });
  const parts: WindowPart[] = [];
  if (windowed) {
    let at = 0;
    for (const item of virtualizer.getVirtualItems()) {
      if (item.start > at) parts.push({ kind: 'gap', key: `gap-${item.index}`, height: item.start - at });
      parts.push({ kind: 'row', index: item.index, key: item.key as number | string });
      at = item.end;
    }
    const total = virtualizer.getTotalSize();
    if (total > at) parts.push({ kind: 'gap', key: 'gap-end', height: total - at });
  } else {
    for (let i = 0; i < count; i++) parts.push({ kind: 'row', index: i, key: keyOf ? keyOf(i) : i });
  }
  return {
    windowed,
    parts,
    measure: windowed ? virtualizer.measureElement : undefined,
    keep: (index) => {
      kept.current = index;
    },
    scrollTo: (index, align = 'auto') => {
      if (windowed) virtualizer.scrollToIndex(index, { align });
      else scrollRef.current?.querySelector(`[data-index="${index}"]`)?.scrollIntoView({ block: align === 'center' ? 'center' : 'nearest' });
    },
  };
}

/**
 * Runs `found` with the element of `id` once it is in the page: at once, or after the rows
 * around it are rendered (a few frames at most).
 */
export function whenRendered(id: string, found: (el: HTMLElement) => void, frames = 30): void {
  const el = document.getElementById(id);
  if (el) return found(el);
  if (frames > 0) requestAnimationFrame(() => whenRendered(id, found, frames - 1));
}
