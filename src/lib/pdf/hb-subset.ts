import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * HarfBuzz's subsetter (harfbuzzjs's hb-subset WebAssembly build, the one `subset-font`
 * wraps) with each font loaded once per process. `subset-font` copies the whole font (10 MB
 * for Noto Sans SC) into WebAssembly memory and parses it again for every subset, which
 * cost most of a render's subsetting time; here the font's bytes and HarfBuzz face stay in
 * WebAssembly memory and each document only runs the subset plan. By default the options
 * are subset-font's (all layout features kept, hinting kept), so the subsets are the same
 * bytes.
 */
const require = createRequire(import.meta.url);

interface HarfBuzz {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  hb_blob_create(data: number, length: number, mode: number, userData: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_set_clear(set: number): void;
  hb_set_invert(set: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_set(input: number, which: number): number;
  hb_subset_input_unicode_set(input: number): number;
  hb_subset_or_fail(face: number, input: number): number;
  _initialize(): void;
}

const HB_MEMORY_MODE_WRITABLE = 2;
const HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6;

let harfbuzz: Promise<HarfBuzz> | undefined;
function loadHarfBuzz(): Promise<HarfBuzz> {
  harfbuzz ??= readFile(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')).then(async (wasm) => {
    const { instance } = await WebAssembly.instantiate(wasm);
    const hb = instance.exports as unknown as HarfBuzz;
    hb._initialize();
    return hb;
  });
  return harfbuzz;
}

/** A TrueType font held in WebAssembly memory as a HarfBuzz face, for subsetting again and again. */
export interface SubsetFace {
  /**
   * A TrueType subset holding `codePoints`. `layout: false` leaves out the OpenType layout
   * tables (GSUB/GPOS) and the glyphs only they reach: for a font drawn one cmap glyph per
   * character (writer.ts), they are dead weight, and closing over Noto Sans SC's layout
   * rules was most of the subsetting time.
   */
  subset(codePoints: Iterable<number>, options?: { layout?: boolean }): Uint8Array;
}

/**
 * Loads the font file at `path` (TrueType/OpenType, not WOFF) into HarfBuzz once; the face
 * lives as long as the process. The file is read straight into WebAssembly memory: no
 * second 10 MB copy on a cold start.
 */
export async function subsetFace(path: string): Promise<SubsetFace> {
  const hb = await loadHarfBuzz();
  // Synchronous from here to the face: nothing else may grow the memory (and detach the
  // view being read into) half-way.
  const fd = openSync(path, 'r');
  let size = 0;
  let data = 0;
  try {
    size = fstatSync(fd).size;
    data = hb.malloc(size);
    if (!data) throw new Error('HarfBuzz could not allocate memory for the font');
    const view = new Uint8Array(hb.memory.buffer, data, size);
    for (let at = 0; at < size; ) {
      const n = readSync(fd, view, at, size - at, at);
      if (n === 0) throw new Error(`The font file ${path} ended early`);
      at += n;
    }
  } catch (error) {
    if (data) hb.free(data);
    throw error;
  } finally {
    closeSync(fd);
  }
  // As subset-font does (a writable blob spares HarfBuzz a copy); the bytes are never freed.
  const blob = hb.hb_blob_create(data, size, HB_MEMORY_MODE_WRITABLE, 0, 0);
  const face = hb.hb_face_create(blob, 0);
  hb.hb_blob_destroy(blob);
  return {
    subset(codePoints, { layout = true } = {}) {
      const input = hb.hb_subset_input_create_or_fail();
      if (!input) throw new Error('HarfBuzz could not create a subset input');
      let subset = 0;
      try {
        // Every layout feature kept, as subset-font and pyftsubset --layout-features=* do; or none.
        const features = hb.hb_subset_input_set(input, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
        hb.hb_set_clear(features);
        if (layout) hb.hb_set_invert(features);
        const unicodes = hb.hb_subset_input_unicode_set(input);
        for (const cp of codePoints) hb.hb_set_add(unicodes, cp);
        subset = hb.hb_subset_or_fail(face, input);
      } finally {
        hb.hb_subset_input_destroy(input);
      }
      if (!subset) throw new Error('HarfBuzz could not subset the font');
      const result = hb.hb_face_reference_blob(subset);
      try {
        const offset = hb.hb_blob_get_data(result, 0);
        const length = hb.hb_blob_get_length(result);
        if (!length) throw new Error('HarfBuzz made an empty subset');
        // A copy: the WebAssembly memory is reused (and may grow, detaching views) by the next call.
        return new Uint8Array(hb.memory.buffer).slice(offset, offset + length);
      } finally {
        hb.hb_blob_destroy(result);
        hb.hb_face_destroy(subset);
      }
    },
  };
}
