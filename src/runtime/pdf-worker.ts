import * as engine from '../lib/signing/pdf-engine.js';

/**
 * One PDF job on a worker thread (src/runtime/pdf-workers.ts): the engine function named,
 * with its arguments as they came through postMessage (Buffers arrive as Uint8Arrays).
 */
export type PdfTask = { [K in keyof typeof engine]: { name: K; args: Parameters<(typeof engine)[K]> } }[keyof typeof engine];

export default function runPdfTask(task: PdfTask): unknown {
  const fn = engine[task.name] as (...args: unknown[]) => unknown;
  return fn(...task.args);
}
