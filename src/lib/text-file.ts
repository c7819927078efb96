/**
 * Text of a file people export from their spreadsheets: UTF-8 (with or without BOM), UTF-16
 * with a BOM (Excel's "Unicode 文本" export, tab-separated) or GB18030/GBK — what Excel on
 * Chinese Windows writes for "CSV". Bytes that are not valid UTF-8 are read as GB18030 rather
 * than shown as mojibake.
 */
export type TextFileEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export function decodeTextFile(bytes: Uint8Array): { text: string; encoding: TextFileEncoding } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(body), encoding: 'gb18030' };
  }
}

/** Tab-separated when the first line has a tab (Excel's text exports), else comma-separated. */
export const gridFormatOf = (text: string): 'tsv' | 'csv' => (/\t/.test(text.split(/\r?\n/, 1)[0] ?? '') ? 'tsv' : 'csv');
