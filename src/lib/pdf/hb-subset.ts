import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { SfntFont } from './sfnt.js';
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
 * Loads the font file at `path` (TrueType, not WOFF) into HarfBuzz once; the face lives as
 * long as the process. Only the bytes a subset needs are read, straight into WebAssembly
 * memory: every table but the glyph outlines (about 0.5 MB of Noto Sans SC's 10 MB) when
 * the face is made, then the outlines of the glyphs each subset keeps, when it asks (see
 * GlyphLoader). Reading (and paging in) the whole 10 MB per font was a good part of a cold
 * start.
 */
export async function subsetFace(path: string, options: { readAll?: boolean } = {}): Promise<SubsetFace> {
  const hb = await loadHarfBuzz();
  // Synchronous from here to the face: nothing else may grow the memory (and detach the
  // view being read into) half-way.
  const fd = openSync(path, 'r');
  let size = 0;
  let data = 0;
  let glyphs: GlyphLoader;
  try {
    size = fstatSync(fd).size;
    data = hb.malloc(size);
    if (!data) throw new Error('HarfBuzz could not allocate memory for the font');
    const font = data;
    glyphs = new GlyphLoader(path, size, () => new Uint8Array(hb.memory.buffer, font, size));
    glyphs.readTables(fd);
    // The whole file, as before (the tests' reference).
    if (options.readAll) glyphs.readAll(fd);
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
  const cut = (codePoints: number[], layout: boolean): Uint8Array => {
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
  };
  return {
    subset(codePoints, { layout = true } = {}) {
      const cps = [...codePoints];
      // With layout rules any glyph may be reached: the whole glyf table, once.
      if (layout) {
        glyphs.readAll();
        return cut(cps, layout);
      }
      glyphs.read(cps);
      const bytes = cut(cps, layout);
      // HarfBuzz also keeps characters it was not asked for — a bracket's bidi mirror (（
      // brings ）) — so their outlines are read too, and the subset cut again if that read any.
      return glyphs.read(addedCharacters(bytes, cps)) ? cut(cps, layout) : bytes;
    },
  };
}

/** Characters a subset's cmap maps beyond `asked` (none without a cmap). */
function addedCharacters(subset: Uint8Array, asked: number[]): number[] {
  const wanted = new Set(asked);
  try {
    return new SfntFont(subset).characterSet.filter((cp) => !wanted.has(cp) && cp !== 0xffff);
  } catch {
    return [];
  }
}

/**
 * Which parts of a TrueType font in WebAssembly memory have been read, and reading more.
 * HarfBuzz keeps, for a subset of some characters without layout rules: .notdef, each
 * character's cmap glyph, the glyphs the format 14 cmap maps those characters to with a
 * variation selector, and the components of composite glyphs among them (hb-subset-plan.cc,
 * _populate_gids_to_retain) — plus characters it adds itself (bidi mirrors), which
 * SubsetFace.subset finds in the result. Those outlines are read before HarfBuzz subsets
 * (on meeting a composite glyph, the whole table instead); the rest of the glyf table is
 * never read (nor touched in memory). With layout rules (GSUB may reach
 * any glyph) the whole glyf table is read once. tests/unit/hb-subset.test.ts checks the
 * subsets are the bytes a whole-file face gives.
 */
class GlyphLoader {
  private glyf = { offset: 0, length: 0 };
  private loca = { offset: 0, long: false, count: 0 };
  private readonly loaded = new Set<number>();
  private all = false;
  private uvs: Map<number, number[]> | undefined;

  /** `memory` views the font's bytes in WebAssembly memory (a new view each time: memory growth detaches old ones). */
  constructor(
    private readonly path: string,
    private readonly size: number,
    private readonly memory: () => Uint8Array,
  ) {}

  /** The table directory and every table but glyf. */
  readTables(fd: number): void {
    this.readRange(0, 12, fd);
    const count = this.view().getUint16(4);
    this.readRange(12, count * 16, fd);
    const dir = this.view();
    const tables = new Map<string, { offset: number; length: number }>();
    for (let i = 0; i < count; i++) {
      const r = 12 + i * 16;
      const tag = String.fromCharCode(dir.getUint8(r), dir.getUint8(r + 1), dir.getUint8(r + 2), dir.getUint8(r + 3));
      const t = { offset: dir.getUint32(r + 8), length: dir.getUint32(r + 12) };
      if (t.offset + t.length > this.size) throw new Error(`The font file ${this.path} is truncated (${tag})`);
      tables.set(tag, t);
      if (tag !== 'glyf') this.readRange(t.offset, t.length, fd);
    }
    const glyf = tables.get('glyf');
    const loca = tables.get('loca');
    const headTable = tables.get('head');
    if (!glyf || !loca || !headTable) {
      // Not TrueType outlines (CFF): read it all, as before.
      this.readRange(0, this.size, fd);
      this.all = true;
      return;
    }
    const view = this.view();
    const long = view.getInt16(headTable.offset + 50) === 1;
    this.glyf = glyf;
    this.loca = { offset: loca.offset, long, count: loca.length / (long ? 4 : 2) - 1 };
  }

  readAll(fd?: number): void {
    if (this.all) return;
    if (fd === undefined) this.withFile((f) => this.readRange(this.glyf.offset, this.glyf.length, f));
    else this.readRange(this.glyf.offset, this.glyf.length, fd);
    this.all = true;
  }

  /** Reads the outlines a subset of `codePoints` (without layout rules) keeps; whether there were any not read before. */
  read(codePoints: number[]): boolean {
    if (this.all) return false;
    // The cmap HarfBuzz uses is the one fontkit (and so SfntFont) prefers: Windows/Unicode full repertoire first.
    const font = new SfntFont(this.memory());
    const wanted = [0];
    for (const cp of codePoints) wanted.push(font.glyphId(cp), ...(this.variants().get(cp) ?? []));
    const missing = wanted.filter((gid) => !this.loaded.has(gid) && gid < this.loca.count);
    if (!missing.length) return false;
    this.withFile((fd) => {
      for (const gid of missing) {
        if (this.all) return;
        this.loaded.add(gid);
        const [start, end] = this.range(gid);
        if (end <= start) continue; // an empty glyph (a space)
        this.readRange(this.glyf.offset + start, end - start, fd);
        // A composite glyph (none in Noto Sans SC) needs its components: then simply everything.
        if (this.view().getInt16(this.glyf.offset + start) < 0) this.readAll(fd);
      }
    });
    return true;
  }

  /** Per character, the glyphs every format 14 cmap gives it with a variation selector (non-default UVS). */
  private variants(): Map<number, number[]> {
    if (this.uvs) return this.uvs;
    const view = this.view();
    const map = new Map<number, number[]>();
    this.uvs = map;
    const cmap = this.tableOffset('cmap');
    if (cmap === undefined) return map;
    for (let i = 0, n = view.getUint16(cmap + 2); i < n; i++) {
      const sub = cmap + view.getUint32(cmap + 4 + i * 8 + 4);
      if (view.getUint16(sub) !== 14) continue;
      for (let r = 0, records = view.getUint32(sub + 6); r < records; r++) {
        const nonDefault = view.getUint32(sub + 10 + r * 11 + 7);
        if (!nonDefault) continue;
        const at = sub + nonDefault;
        for (let m = 0, count = view.getUint32(at); m < count; m++) {
          const e = at + 4 + m * 5;
          const unicode = (view.getUint8(e) << 16) | view.getUint16(e + 1);
          const list = map.get(unicode) ?? [];
          list.push(view.getUint16(e + 3));
          map.set(unicode, list);
        }
      }
    }
    return map;
  }

  private tableOffset(tag: string): number | undefined {
    const view = this.view();
    for (let i = 0, n = view.getUint16(4); i < n; i++) {
      const r = 12 + i * 16;
      if (String.fromCharCode(view.getUint8(r), view.getUint8(r + 1), view.getUint8(r + 2), view.getUint8(r + 3)) === tag) return view.getUint32(r + 8);
    }
    return undefined;
  }

  /** Start and end of glyph `gid` in the glyf table (from loca). */
  private range(gid: number): [number, number] {
    const view = this.view();
    const at = this.loca.offset;
    return this.loca.long ? [view.getUint32(at + gid * 4), view.getUint32(at + gid * 4 + 4)] : [view.getUint16(at + gid * 2) * 2, view.getUint16(at + gid * 2 + 2) * 2];
  }

  private withFile(read: (fd: number) => void): void {
    const fd = openSync(this.path, 'r');
    try {
      read(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Reads `length` bytes of the file at `at` into the same place in memory. */
  private readRange(at: number, length: number, fd: number): void {
    const view = this.memory();
    for (let done = 0; done < length; ) {
      const n = readSync(fd, view, at + done, length - done, at + done);
      if (n === 0) throw new Error(`The font file ${this.path} ended early`);
      done += n;
    }
  }

  private view(): DataView {
    const b = this.memory();
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
}
