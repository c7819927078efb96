import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';

/** Draw a signature with mouse, finger or pen (pointer events); exported as a PNG. */
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
    const ratio = window.devicePixelRatio || 1;
    c.width = c.clientWidth * ratio;
    c.height = c.clientHeight * ratio;
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
