import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import subsetFont from 'subset-font';

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

const cache = new Map<FontName, Promise<Buffer>>();

/** The whole font file, read once per process. */
export function fontFile(name: FontName): Promise<Buffer> {
  let file = cache.get(name);
  if (!file) {
    file = readFile(FONT_FILES[name]);
    cache.set(name, file);
  }
  return file;
}

/**
 * A TrueType subset of `name` holding the given characters (plus the space for the text
 * fonts; Ma Shan Zheng's subset with an empty space glyph last is unreadable to fontkit).
 */
export async function fontSubset(name: FontName, text: string): Promise<Uint8Array> {
  const chars = [...new Set(Array.from(name === 'signature' ? text.replace(/\s/g, '') : text + ' '))].join('');
  return subsetFont(await fontFile(name), chars, { targetFormat: 'truetype' });
}
