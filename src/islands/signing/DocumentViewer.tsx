import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy } from './pdf-document.js';
import type { ReadingProgress } from './useReadingProgress.js';
import { textLines } from './text-lines.js';

/**
 * The document drawn by the page itself (PDF.js), so it reads the same in every browser:
 * headless Chromium, Chrome on Android (no inline PDF viewer) and WeChat (no downloads).
 * Pages fit the width of the screen, zoom with the buttons (or the browser's own pinch), and
 * carry a text layer, so Chinese text stays selectable. The 文字版 view reflows each page's
 * text at a phone's reading size. The PDF itself stays the record.
 */
type PdfModule = typeof import('./pdf-document.js');
interface PageSize {
  width: number;
  height: number;
}

const ZOOMS = [1, 1.25, 1.5, 2, 3];

export function DocumentViewer({ load, title, reading, version }: {
  /** The PDF's bytes (null when it cannot be fetched: the caller shows why). */
  load: () => Promise<Uint8Array | null>;
  title: string;
  reading: ReadingProgress;
  /** Reloads the document when it changes (e.g. after a signature was stamped). */
  version: string;
}) {
  const [pdf, setPdf] = useState<{ mod: PdfModule; doc: PDFDocumentProxy; sizes: PageSize[] } | null>(null);
  const [failed, setFailed] = useState(false);
  const [zoom, setZoom] = useState(0);
  const [mode, setMode] = useState<'pages' | 'text'>('pages');
  const [width, setWidth] = useState(0);
  const box = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    let cancelled = false;
    let opened: PDFDocumentProxy | null = null;
    setFailed(false);
    void (async () => {
      try {
        const [mod, bytes] = await Promise.all([import('./pdf-document.js'), load()]);
        if (!bytes || cancelled) return;
        const doc = (opened = await mod.openPdf(bytes));
        const sizes: PageSize[] = [];
        for (let n = 1; n <= doc.numPages; n++) {
          const v = (await doc.getPage(n)).getViewport({ scale: 1 });
          sizes.push({ width: v.width, height: v.height });
        }
        if (cancelled) return;
        setPdf({ mod, doc, sizes });
        reading.start(doc.numPages);
      } catch {
        if (!cancelled) setFailed(true);
      }
    })();
    return () => {
      cancelled = true;
      void opened?.loadingTask.destroy();
    };
  }, [version]); // eslint-disable-line react-hooks/exhaustive-deps

  // Fit to width: follow the box's width (a phone turned to landscape, a resized window).
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    setWidth(el.clientWidth);
    return () => ro.disconnect();
  }, [pdf]);

  const goTo = (n: number) => {
    const page = box.current?.querySelector<HTMLElement>(`[data-page="${n}"]`);
    const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
    if (page && box.current) box.current.scrollTo({ top: page.offsetTop - box.current.offsetTop - 8, behavior: still ? 'auto' : 'smooth' });
  };

  if (failed) return <div className="doc-viewer doc-message" role="alert">文件预览无法显示，请刷新页面重试。</div>;
  if (!pdf) return <div className="doc-viewer doc-message" aria-live="polite">正在载入文件…</div>;

  const count = pdf.doc.numPages;
  const inner = Math.max(200, width - 16);
  const scaleOf = (s: PageSize) => (inner / s.width) * ZOOMS[zoom];
  return (
    <section className="doc-viewer" aria-label={`${title}（文件内容）`} data-testid="document-viewer">
      <div className="doc-toolbar">
        <div className="doc-nav" role="group" aria-label="翻页">
          <button type="button" onClick={() => goTo(reading.current - 1)} disabled={reading.current <= 1} aria-label="上一页">‹</button>
          <span data-testid="doc-page-indicator" aria-live="polite">第 {reading.current} 页 / 共 {count} 页</span>
          <button type="button" onClick={() => goTo(reading.current + 1)} disabled={reading.current >= count} aria-label="下一页">›</button>
        </div>
        {mode === 'pages' && (
          <div className="doc-zoom" role="group" aria-label="缩放">
            <button type="button" onClick={() => setZoom((z) => Math.max(0, z - 1))} disabled={zoom === 0} aria-label="缩小">−</button>
            <span>{Math.round(ZOOMS[zoom] * 100)}%</span>
            <button type="button" onClick={() => setZoom((z) => Math.min(ZOOMS.length - 1, z + 1))} disabled={zoom === ZOOMS.length - 1} aria-label="放大">＋</button>
            {zoom > 0 && <button type="button" onClick={() => setZoom(0)}>适合宽度</button>}
          </div>
        )}
        <div className="doc-mode" role="group" aria-label="显示方式">
          <button type="button" aria-pressed={mode === 'pages'} onClick={() => setMode('pages')}>原版页面</button>
          <button type="button" aria-pressed={mode === 'text'} onClick={() => setMode('text')}>文字版</button>
        </div>
      </div>
      <div
        className="doc-pages"
        ref={(el) => {
          box.current = el;
          reading.setRoot(el);
        }}
        tabIndex={0}
        role="region"
        aria-label="文件页面（可滚动）"
      >
        {pdf.sizes.map((s, i) =>
          mode === 'pages' ? (
            <PdfPage key={`p${i}`} mod={pdf.mod} doc={pdf.doc} n={i + 1} size={s} scale={scaleOf(s)} observe={reading.observe(i + 1)} />
          ) : (
            <TextPage key={`t${i}`} doc={pdf.doc} n={i + 1} count={count} observe={reading.observe(i + 1)} />
          ),
        )}
      </div>
      <p className="doc-progress" data-testid="reading-progress">
        {reading.done ? `已阅读至最后一页（共 ${count} 页）。` : `请滑动阅读至最后一页（已看 ${reading.viewed} / ${count} 页），读完后才能签署。`}
      </p>
    </section>
  );
}

/** One page: canvas plus text layer, drawn when it comes near the screen, redrawn on zoom. */
function PdfPage({ mod, doc, n, size, scale, observe }: { mod: PdfModule; doc: PDFDocumentProxy; n: number; size: PageSize; scale: number; observe: (el: HTMLElement | null) => void }) {
  const holder = useRef<HTMLDivElement | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const text = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);

  useEffect(() => {
    const el = holder.current;
    if (!el || near) return;
    const io = new IntersectionObserver((e) => e.some((x) => x.isIntersecting) && setNear(true), { rootMargin: '100% 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);

  useEffect(() => {
    if (!near) return;
    let cancelled = false;
    let task: { cancel: () => void } | null = null;
    let layer: { cancel: () => void } | null = null;
    void (async () => {
      const page = await doc.getPage(n);
      if (cancelled) return;
      const viewport = page.getViewport({ scale });
      // Sharp on high-density screens, but bounded: a zoomed page must not exhaust a phone's memory.
      const ratio = Math.min(window.devicePixelRatio || 1, 4096 / viewport.width, 4096 / viewport.height);
      const c = canvas.current!;
      c.width = Math.floor(viewport.width * ratio);
      c.height = Math.floor(viewport.height * ratio);
      const render = page.render({ canvas: c, viewport, transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0] });
      task = render;
      try {
        await render.promise;
      } catch {
        return; // cancelled by a newer zoom
      }
      if (cancelled) return;
      const t = text.current!;
      t.replaceChildren();
      const tl = new mod.TextLayer({ textContentSource: page.streamTextContent(), container: t, viewport });
      layer = tl;
      await tl.render().catch(() => undefined);
    })();
    return () => {
      cancelled = true;
      task?.cancel();
      layer?.cancel();
    };
  }, [near, scale, doc, n, mod]);

  const w = Math.floor(size.width * scale);
  const h = Math.floor(size.height * scale);
  return (
    <div
      className="doc-page"
      ref={(el) => {
        holder.current = el;
        observe(el);
      }}
      style={{ width: w, height: h, ['--total-scale-factor' as string]: scale }}
      aria-label={`第 ${n} 页`}
      role="group"
    >
      <canvas ref={canvas} style={{ width: w, height: h }} aria-hidden="true" />
      <div ref={text} className="textLayer" />
    </div>
  );
}

/** One page's text, reflowed into lines at reading size (for a phone: no zooming). */
function TextPage({ doc, n, count, observe }: { doc: PDFDocumentProxy; n: number; count: number; observe: (el: HTMLElement | null) => void }) {
  const [lines, setLines] = useState<string[] | null>(null);
  useEffect(() => {
    let cancelled = false;
    void doc
      .getPage(n)
      .then((p) => p.getTextContent())
      .then((content) => {
        if (!cancelled) setLines(textLines(content.items));
      });
    return () => {
      cancelled = true;
    };
  }, [doc, n]);
  return (
    // Measured for reading only once its text is in: an empty placeholder would count as read.
    <section className="doc-text" ref={lines ? observe : undefined} aria-label={`第 ${n} 页（文字版）`}>
      <h3>第 {n} 页 / 共 {count} 页</h3>
      {lines === null ? <p>正在提取文字…</p> : lines.length === 0 ? <p>（本页没有文字）</p> : lines.map((l, i) => <p key={i}>{l}</p>)}
    </section>
  );
}
