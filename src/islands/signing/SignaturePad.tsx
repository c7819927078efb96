import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { MAX_SIGNATURE_HEIGHT, MAX_SIGNATURE_WIDTH } from '../../lib/signature-image.js';

/**
 * Draw a signature with mouse, finger or pen (pointer events); exported as a PNG. The
 * canvas is sharp on high-density screens but never larger than the server accepts
 * (2000×1000 px), whatever the device pixel ratio or zoom.
 */
export interface SignaturePadHandle {
  toPng: () => string | null;
  clear: () => void;
}

export const SignaturePad = forwardRef<SignaturePadHandle, { onChange?: (empty: boolean) => void }>(function SignaturePad({ onChange }, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [empty, setEmpty] = useState(true);
  const drawing = useRef(false);

  useEffect(() => {
    const c = canvas.current!;
    const w = Math.max(1, c.clientWidth);
    const h = Math.max(1, c.clientHeight);
    const ratio = Math.min(window.devicePixelRatio || 1, MAX_SIGNATURE_WIDTH / w, MAX_SIGNATURE_HEIGHT / h);
    c.width = Math.min(MAX_SIGNATURE_WIDTH, Math.floor(w * ratio));
    c.height = Math.min(MAX_SIGNATURE_HEIGHT, Math.floor(h * ratio));
    const ctx = c.getContext('2d')!;
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.4;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#0d1a59';
  }, []);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = canvas.current!.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  const mark = (value: boolean) => {
    setEmpty(value);
    onChange?.(value);
  };

  useImperativeHandle(ref, () => ({
    toPng: () => (empty ? null : canvas.current!.toDataURL('image/png')),
    clear: () => {
      const c = canvas.current!;
      c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
      mark(true);
    },
  }));

  return (
    <canvas
      ref={canvas}
      className="signature-pad"
      aria-label="签名区：按住鼠标或用手指在此书写签名"
      data-testid="signature-pad"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        drawing.current = true;
        const ctx = canvas.current!.getContext('2d')!;
        const [x, y] = point(e);
        ctx.beginPath();
        ctx.moveTo(x, y);
      }}
      onPointerMove={(e) => {
        if (!drawing.current) return;
        const ctx = canvas.current!.getContext('2d')!;
        const [x, y] = point(e);
        ctx.lineTo(x, y);
        ctx.stroke();
        if (empty) mark(false);
      }}
      onPointerUp={() => (drawing.current = false)}
      onPointerCancel={() => (drawing.current = false)}
    />
  );
});
