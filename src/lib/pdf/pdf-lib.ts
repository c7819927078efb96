import { createRequire } from 'node:module';
import type * as PdfLib from 'pdf-lib';

/**
 * pdf-lib's values for the renderer, loaded the cheap way (a cold start loads its ~200
 * CommonJS files):
 *
 * - `require`, not `import`: an ESM import of a CommonJS package first has Node parse every
 *   file for its export names (cjs-module-lexer follows each re-export). It is the same
 *   module instance either way (Node's one CommonJS cache), so pdf-lib objects pass freely
 *   between this and code that imports pdf-lib (stamp.ts, seal.ts).
 * - Without reading pdf-lib's source maps: when source maps are on (tsx turns them on, as
 *   does --enable-source-maps), Node reads and parses the .map file of every file it loads
 *   — 200 of them here — only so a stack trace inside pdf-lib could name its TypeScript
 *   lines. They are off just for this synchronous require, then as they were.
 *
 * Types still come from `import type … from 'pdf-lib'`.
 */
const require = createRequire(import.meta.url);
const maps = process.sourceMapsEnabled;
if (maps) process.setSourceMapsEnabled(false);
let pdfLib: typeof PdfLib;
try {
  pdfLib = require('pdf-lib') as typeof PdfLib;
} finally {
  if (maps) process.setSourceMapsEnabled(true);
}

export const { PDFDocument, PDFName, PDFRawStream, PDFStream, rgb } = pdfLib;
// The classes' instance types, under the same names (as `import { PDFDocument } from 'pdf-lib'` gives both).
export type PDFDocument = PdfLib.PDFDocument;
export type PDFName = PdfLib.PDFName;
export type PDFRawStream = PdfLib.PDFRawStream;
export type PDFStream = PdfLib.PDFStream;
