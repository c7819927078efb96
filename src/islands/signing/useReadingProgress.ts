import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * How far a party has read the document shown to them: which pages have been on screen
 * (at least half the page, or half the viewer's height for a page taller than that), the
 * page most in view, and the time since the document appeared. Signing waits until the
 * last page has been seen; the record goes with the signature into the audit trail.
 */
export interface ReadingRecord {
  pagesViewed: number;
  pageCount: number;
  seconds: number;
}

export interface ReadingProgress {
  pageCount: number;
  viewed: number;
  /** The last page has been on screen (scrolled or paged to). */
  done: boolean;
  /** The page most in view (1-based), for 第 N 页 / 共 M 页. */
  current: number;
  /** Called by the viewer once the document is open. */
  start: (pageCount: number) => void;
  /** The viewer's scroll box: pages are measured against it. */
  setRoot: (el: HTMLElement | null) => void;
  /** A ref callback for page `n` (1-based), in whichever view (pages or text) is shown. */
  observe: (n: number) => (el: HTMLElement | null) => void;
  record: () => ReadingRecord | undefined;
}

export function useReadingProgress(): ReadingProgress {
  const [pageCount, setPageCount] = useState(0);
  const [root, setRoot] = useState<HTMLElement | null>(null);
  const seen = useRef(new Set<number>());
  const [viewed, setViewed] = useState(0);
  const [current, setCurrent] = useState(1);
  const startedAt = useRef<number | null>(null);
  const elements = useRef(new Map<number, HTMLElement>());
  const observer = useRef<IntersectionObserver | null>(null);

  useEffect(() => {
    if (!root) return;
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const n = Number((e.target as HTMLElement).dataset.page);
          const rootHeight = e.rootBounds?.height ?? root.clientHeight;
          const share = e.isIntersecting ? Math.max(e.intersectionRatio, e.intersectionRect.height / Math.max(1, rootHeight)) : 0;
          if (share >= 0.5 && !seen.current.has(n)) {
            seen.current.add(n);
            setViewed(seen.current.size);
          }
        }
      },
      { root, threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] },
    );
    observer.current = io;
    for (const el of elements.current.values()) io.observe(el);

    // The page number shown: the page filling most of the box (the upper one on a tie, as
    // two short landscape pages can both be whole), the last page once scrolled to the end.
    let frame = 0;
    const locate = () => {
      frame = 0;
      const box = root.getBoundingClientRect();
      const atEnd = root.scrollTop + root.clientHeight >= root.scrollHeight - 2;
      let best = 0;
      let bestShown = 0;
      for (const [n, el] of elements.current) {
        const r = el.getBoundingClientRect();
        const shown = Math.max(0, Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top));
        if (shown <= 0) continue;
        const better = atEnd ? n > best : shown > bestShown + 1 || (Math.abs(shown - bestShown) <= 1 && n < best);
        if (!best || better) [best, bestShown] = [n, shown];
      }
      if (best) setCurrent(best);
    };
    const onScroll = () => {
      frame ||= requestAnimationFrame(locate);
    };
    root.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      io.disconnect();
      observer.current = null;
      root.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, [root]);

  const observe = useCallback(
    (n: number) => (el: HTMLElement | null) => {
      const old = elements.current.get(n);
      if (old && old !== el) observer.current?.unobserve(old);
      if (el) {
        el.dataset.page = String(n);
        elements.current.set(n, el);
        observer.current?.observe(el);
      } else elements.current.delete(n);
    },
    [],
  );

  const start = useCallback((count: number) => {
    setPageCount(count);
    startedAt.current ??= Date.now();
  }, []);

  const record = useCallback((): ReadingRecord | undefined => {
    if (!pageCount || startedAt.current === null) return undefined;
    return { pagesViewed: seen.current.size, pageCount, seconds: Math.min(86_400, Math.round((Date.now() - startedAt.current) / 1000)) };
  }, [pageCount]);

  return { pageCount, viewed, done: pageCount > 0 && seen.current.has(pageCount), current, start, setRoot, observe, record };
}
