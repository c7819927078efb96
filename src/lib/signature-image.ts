/**
 * Bounds on a drawn signature image, shared by the signature pad (browser), the request
 * schema and the signing service. A PNG's pixel size is in its IHDR header (bytes 16–23), so
 * an oversized image — a decompression bomb of a few hundred KB that decodes to gigabytes —
 * is refused in microseconds, before anything decodes it.
 */
export const MAX_SIGNATURE_WIDTH = 2000;
export const MAX_SIGNATURE_HEIGHT = 1000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk; null when the bytes are not a PNG that starts with one. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The first chunk must be IHDR, 13 bytes long.
  if (view.getUint32(8) !== 13 || String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Why a drawn signature is refused (zh-CN), or null when its size is acceptable. */
export function signatureImageProblem(bytes: Uint8Array): string | null {
  const size = pngSize(bytes);
  if (!size) return '签名必须是 PNG 图片';
  if (size.width < 1 || size.height < 1) return '签名图片是空的，请重新书写';
  if (size.width > MAX_SIGNATURE_WIDTH || size.height > MAX_SIGNATURE_HEIGHT) {
    return `签名图片尺寸过大（${size.width}×${size.height} 像素，上限 ${MAX_SIGNATURE_WIDTH}×${MAX_SIGNATURE_HEIGHT}）：请清除后重新书写，或改用“输入姓名”。`;
  }
  return null;
}
