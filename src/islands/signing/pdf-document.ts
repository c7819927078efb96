/**
 * PDF.js, loaded only by the pages that show a document (this module is imported
 * dynamically by DocumentViewer, so its code and the worker stay out of every other page).
 *
 * The legacy build: WeChat's in-app browser and older Android WebViews lag behind desktop
 * Chromium, and the legacy build runs there too.
 *
 * No CMaps or standard fonts are configured: every PDF this product renders embeds its own
 * font subsets (Noto Sans SC, Ma Shan Zheng) with Identity-H encoding and a ToUnicode map,
 * which PDF.js reads without the predefined Adobe CMaps or its substitute fonts.
 */
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';
import workerUrl from 'pdfjs-dist/legacy/build/pdf.worker.min.mjs?url';

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
export const TextLayer = pdfjs.TextLayer;

export function openPdf(bytes: Uint8Array) {
  return pdfjs.getDocument({ data: bytes }).promise;
}
