import { Piscina } from 'piscina';
import { runPdfEngineElsewhere, type PdfEngine } from '../lib/signing/common.js';
import type { PdfTask } from './pdf-worker.js';
import { settings } from './settings.js';

/**
 * PDF work on worker threads, for a long-running server (`npm start`): rendering a case,
 * stamping a signature and sealing take 10–40 ms of CPU each, and on the main thread every
 * answer in a burst waited behind them. With a pool the main thread only answers and
 * commits, and both cores render. A Vercel function never starts this (one request per
 * instance; its bundle has no worker file): there the engine runs in-process, as in tests.
 *
 * Piscina (MIT) keeps the threads and the queue. Under tsx the worker file is TypeScript and
 * the threads load it through tsx as well.
 */
export function startPdfWorkers(threads = settings.pdfWorkers()): Piscina | null {
  if (threads < 1) return null;
  const typescript = import.meta.url.endsWith('.ts');
  const pool = new Piscina({
    filename: new URL(`./pdf-worker.${typescript ? 'ts' : 'js'}`, import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // Threads inherit the process's flags; under tsx those already load TypeScript, elsewhere (Vitest) tsx is added.
    ...(typescript && !process.execArgv.some((a) => a.includes('tsx')) ? { execArgv: [...process.execArgv, '--import', 'tsx'] } : {}),
  });
  const run = <T>(task: PdfTask) => pool.run(task) as Promise<T>;
  // Small and synchronous helpers stay here; what costs CPU goes to the pool.
  const engine = import('../lib/signing/pdf-engine.js').then(
    (local): PdfEngine => ({
      ...local,
      renderFormPdf: (...args) => run({ name: 'renderFormPdf', args }),
      renderPolicyPdf: (...args) => run({ name: 'renderPolicyPdf', args }),
      stampSignature: (...args) => run({ name: 'stampSignature', args }),
      appendAuditPage: (...args) => run({ name: 'appendAuditPage', args }),
      // A Buffer comes back from a thread as a plain Uint8Array.
      sealPdf: async (...args) => Buffer.from(await run<Uint8Array>({ name: 'sealPdf', args })),
      sealWithTimestamp: async (...args) => {
        const r = await run<Awaited<ReturnType<PdfEngine['sealWithTimestamp']>>>({ name: 'sealWithTimestamp', args });
        return { ...r, pdf: Buffer.from(r.pdf) };
      },
    }),
  );
  runPdfEngineElsewhere(() => engine);
  return pool;
}
