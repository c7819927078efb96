import { SigningError } from '../signing/errors.js';

/**
 * Caps how many PDFs this instance renders at once. PDF work is CPU-bound JavaScript and
 * WebAssembly on one thread: twenty renders side by side make every request on the instance
 * twenty times slower, signatures included. Renders beyond `concurrency` wait in a bounded
 * queue; beyond that the request is refused at once with a 503 and Retry-After, so a flood
 * cannot pile up work (or memory) without bound.
 */
export class RenderLimit {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueued: number,
    readonly retryAfterSeconds = 5,
  ) {}

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async run<T>(render: () => Promise<T>): Promise<T> {
    if (this.#running >= this.concurrency) {
      if (this.#waiting.length >= this.maxQueued) throw renderBusy(this.retryAfterSeconds);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else this.#running++;
    try {
      return await render();
    } finally {
      // The slot passes straight to the next in line, or is freed.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

export const renderBusy = (retryAfter: number) =>
  new SigningError('busy', `服务器正在生成其他 PDF，请 ${retryAfter} 秒后再试；您填写的内容不会丢失。`, 503, retryAfter);

const env = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

/**
 * The instance's PDF renders: previews and downloads (/api/pdf, /api/policy-export),
 * opening a case or an acknowledgment, an employee's copy. Signing itself stamps outside
 * this queue, so a flood of previews never holds up a signature.
 */
export const pdfRenders = new RenderLimit(env('PDF_RENDER_CONCURRENCY', 2), env('PDF_RENDER_QUEUE', 20));
