import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { MAX_SIGNATURE_HEIGHT, MAX_SIGNATURE_WIDTH } from '../../lib/signature-image.js';

/**
 * Draw a signature with mouse, finger or pen (pointer events); exported as a PNG. The
 * canvas is sharp on high-density screens but never larger than the server accepts
 * (2000×1000 px), whatever the device pixel ratio or zoom.
 *
 * Strokes are kept (as fractions of the pad's size), so the last one can be undone and the
 * drawing survives a phone turned to landscape: the pad then redraws at its new size.
 * While a finger draws, the page does not scroll (touch-action: none, and touchmove held
 * for browsers that ignore it).
 */
export interface SignaturePadHandle {
  toPng: () => string | null;
  clear: () => void;
  undo: () => void;
}

type Stroke = Array<[number, number]>;

export const SignaturePad = forwardRef<SignaturePadHandle, { onChange?: (empty: boolean) => void }>(function SignaturePad({ onChange }, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Stroke[]>([]);
  const [empty, setEmpty] = useState(true);
  const drawing = useRef(false);
  const size = useRef({ w: 1, h: 1 });

  const redraw = useCallback(() => {
    const c = canvas.current!;
    const ctx = c.getContext('2d')!;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.restore();
    const { w, h } = size.current;
    for (const s of strokes.current) {
      ctx.beginPath();
      ctx.moveTo(s[0][0] * w, s[0][1] * h);
      // A tap is a dot: a zero-length line with round caps.
      for (const [x, y] of s.length > 1 ? s.slice(1) : s) ctx.lineTo(x * w, y * h);
      ctx.stroke();
    }
  }, []);

  const setup = useCallback(() => {
    const c = canvas.current!;
    const w = Math.max(1, c.clientWidth);
    const h = Math.max(1, c.clientHeight);
    if (w === size.current.w && h === size.current.h) return;
    size.current = { w, h };
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_SIGNATURE_WIDTH / w, MAX_SIGNATURE_HEIGHT / h);
    c.width = Math.min(MAX_SIGNATURE_WIDTH, Math.floor(w * ratio));
    c.height = Math.min(MAX_SIGNATURE_HEIGHT, Math.floor(h * ratio));
    const ctx = c.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.4;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#0d1a59';
    redraw();
  }, [redraw]);

  useEffect(() => {
    const c = canvas.current!;
    setup();
    const ro = new ResizeObserver(setup);
    ro.observe(c);
    const hold = (e: TouchEvent) => e.preventDefault();
    c.addEventListener('touchmove', hold, { passive: false });
    return () => {
      ro.disconnect();
      c.removeEventListener('touchmove', hold);
    };
  }, [setup]);

  const point = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = canvas.current!.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };
  const mark = (value: boolean) => {
    setEmpty(value);
    onChange?.(value);
  };

  useImperativeHandle(ref, () => ({
    toPng: () => (empty ? null : canvas.current!.toDataURL('image/png')),
    clear: () => {
      strokes.current = [];
      redraw();
      mark(true);
    },
    undo: () => {
      strokes.current.pop();
      redraw();
      mark(strokes.current.length === 0);
    },
  }));

  return (
    <canvas
      ref={canvas}
      className="signature-pad"
      aria-label="签名区：按住鼠标或用手指在此书写签名"
      data-testid="signature-pad"
      onPointerDown={(e) => {
        e.preventDefault();
        e.currentTarget.setPointerCapture(e.pointerId);
        drawing.current = true;
        strokes.current.push([point(e)]);
      }}
      onPointerMove={(e) => {
        if (!drawing.current) return;
        const stroke = strokes.current[strokes.current.length - 1];
        const [x, y] = point(e);
        const [px, py] = stroke[stroke.length - 1];
        stroke.push([x, y]);
        const ctx = canvas.current!.getContext('2d')!;
        const { w, h } = size.current;
        ctx.beginPath();
        ctx.moveTo(px * w, py * h);
        ctx.lineTo(x * w, y * h);
        ctx.stroke();
        if (empty) mark(false);
      }}
      onPointerUp={() => {
        drawing.current = false;
        // A touch that never moved draws nothing: it is not a stroke to undo.
        if (strokes.current[strokes.current.length - 1]?.length === 1) strokes.current.pop();
      }}
      onPointerCancel={() => (drawing.current = false)}
    />
  );
});
