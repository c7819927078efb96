import { createRequire } from 'node:module';
import { subsetFace, type SubsetFace } from './hb-subset.js';

/**
 * The CJK fonts the PDFs use (all SIL OFL 1.1, from npm): Noto Sans SC for text and Ma Shan
 * Zheng (a brush script) for typed signatures. Each document embeds a subset holding only
 * the characters it draws, cut with HarfBuzz; @pdf-lib/fontkit's own subsetting draws most
 * Chinese glyphs blank (pdf-lib #494, #1232), so it is never used.
 */
const require = createRequire(import.meta.url);
export const FONT_FILES = {
  regular: require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
  bold: require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
  signature: require.resolve('@expo-google-fonts/ma-shan-zheng/400Regular/MaShanZheng_400Regular.ttf'),
} as const;
export type FontName = keyof typeof FONT_FILES;

const faces = new Map<FontName, Promise<SubsetFace>>();

/** The font read and loaded into HarfBuzz once per process (see hb-subset.ts). */
function face(name: FontName): Promise<SubsetFace> {
  let f = faces.get(name);
  if (!f) {
    f = subsetFace(FONT_FILES[name]);
    // A failed read is not remembered: the next document tries again.
    f.catch(() => faces.delete(name));
    faces.set(name, f);
  }
  return f;
}

/**
 * A TrueType subset of `name` holding the given characters (plus the space for the text
 * fonts; Ma Shan Zheng's subset with an empty space glyph last is unreadable to fontkit).
 * `layout: false` drops the OpenType layout tables (see hb-subset.ts), for text drawn one
 * cmap glyph per character.
 */
export async function fontSubset(name: FontName, text: string, options: { layout?: boolean } = {}): Promise<Uint8Array> {
  const chars = new Set<number>();
  for (const ch of name === 'signature' ? text.replace(/\s/g, '') : text + ' ') chars.add(ch.codePointAt(0)!);
  return (await face(name)).subset(chars, options);
}

/** Starts reading the text fonts into HarfBuzz (a function's cold start overlaps it with loading the rest). */
export function preloadTextFonts(): void {
  for (const name of ['regular', 'bold'] as const) face(name).catch(() => undefined);
}
