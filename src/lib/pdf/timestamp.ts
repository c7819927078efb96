import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createHash, randomBytes } from 'node:crypto';

/**
 * RFC 3161 signature time-stamps for the seal (PAdES-B-T style): the time-stamp token of a
 * trusted authority over the SignerInfo's signature value, carried as the unsigned attribute
 * id-aa-signatureTimeStampToken. Built and parsed with pkijs/asn1js, never by hand.
 *
 * Unsigned attributes are outside what the seal signs, and /Contents is outside the
 * ByteRange: so the token can be added AFTER sealing, re-encoded into the same placeholder,
 * without touching a signed byte. A TSA that is down then costs a later retry, never a
 * signature.
 */
export interface TsaClient {
  url: string;
  /** Give up on one request after this long (a TSA that hangs must not hold a job). */
  timeoutMs?: number;
}

export const OID_SIGNATURE_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';
const OID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
/** Bounded: a TSA answer is a few kilobytes. */
const MAX_REPLY_BYTES = 64 * 1024;

export class TimestampError extends Error {}

/** Where the seal's CMS sits in a sealed PDF: the ByteRange and the hex between < and >. */
export interface SignaturePlacement {
  byteRange: [number, number, number, number];
  /** Offset of the first hex digit (after '<'). */
  hexStart: number;
  /** Offset of '>' — the placeholder's hex is [hexStart, hexEnd). */
  hexEnd: number;
  /** The CMS (DER), without the placeholder's zero padding. */
  cms: Uint8Array;
}

/** Finds the last signature of a PDF (ours is the only one) and its CMS. */
export function findSignature(pdf: Uint8Array): SignaturePlacement {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const matches = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const last = matches.at(-1);
  if (!last) throw new TimestampError('该 PDF 没有数字签名（未找到 ByteRange）');
  const byteRange = [1, 2, 3, 4].map((i) => Number(last[i])) as SignaturePlacement['byteRange'];
  const [a, b, c, d] = byteRange;
  if (a !== 0 || c <= b || c + d > pdf.length || text[b] !== '<' || text[c - 1] !== '>') throw new TimestampError('数字签名的字节范围不正确');
  const hexStart = b + 1;
  const hexEnd = c - 1;
  const hex = text.slice(hexStart, hexEnd);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new TimestampError('数字签名的内容不是十六进制');
  const raw = Buffer.from(hex, 'hex');
  const parsed = asn1js.fromBER(raw);
  if (parsed.offset === -1) throw new TimestampError('数字签名不是有效的 CMS 结构');
  return { byteRange, hexStart, hexEnd, cms: new Uint8Array(raw.subarray(0, parsed.offset)) };
}

/** The bytes the seal signs: everything but the /Contents placeholder. */
export function signedBytes(pdf: Uint8Array, range: SignaturePlacement['byteRange']): Buffer {
  const [a, b, c, d] = range;
  return Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
}

export function parseSignedData(cms: Uint8Array): pkijs.SignedData {
  const info = pkijs.ContentInfo.fromBER(new Uint8Array(cms));
  if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) throw new TimestampError('数字签名不是 SignedData');
  return new pkijs.SignedData({ schema: info.content });
}

/** Asks the TSA for a token over `digest` (SHA-256), checks its answer, returns the token (ContentInfo). */
export async function requestTimestampToken(tsa: TsaClient, digest: Uint8Array): Promise<pkijs.ContentInfo> {
  const nonce = randomBytes(8);
  nonce[0] &= 0x7f; // a positive INTEGER, as the TSA will echo it
  const request = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: digest }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonce }),
    certReq: true,
  });
  let reply: ArrayBuffer;
  try {
    const res = await fetch(tsa.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply' },
      body: Buffer.from(request.toSchema().toBER(false)),
      signal: AbortSignal.timeout(tsa.timeoutMs ?? 15_000),
    });
    if (!res.ok) throw new TimestampError(`时间戳服务返回 HTTP ${res.status}`);
    reply = await res.arrayBuffer();
  } catch (e) {
    if (e instanceof TimestampError) throw e;
    throw new TimestampError(`无法连接时间戳服务：${(e as Error).name === 'TimeoutError' ? '超时' : (e as Error).message}`);
  }
  if (reply.byteLength > MAX_REPLY_BYTES) throw new TimestampError('时间戳服务的应答过大');
  let response: pkijs.TimeStampResp;
  try {
    response = pkijs.TimeStampResp.fromBER(reply);
  } catch {
    throw new TimestampError('时间戳服务的应答无法解析');
  }
  const status = response.status.status;
  if ((status !== 0 && status !== 1) || !response.timeStampToken) throw new TimestampError(`时间戳服务拒绝了请求（状态 ${status}）`);
  const info = tstInfoOf(response.timeStampToken);
  const imprint = new Uint8Array(info.messageImprint.hashedMessage.valueBlock.valueHexView);
  if (!Buffer.from(imprint).equals(Buffer.from(digest))) throw new TimestampError('时间戳的摘要与请求不一致');
  const echoed = info.nonce ? Buffer.from(info.nonce.valueBlock.valueHexView) : null;
  if (!echoed || BigInt(`0x${echoed.toString('hex')}`) !== BigInt(`0x${nonce.toString('hex')}`)) throw new TimestampError('时间戳的随机数与请求不一致');
  return response.timeStampToken;
}

/** The TSTInfo inside a time-stamp token. */
export function tstInfoOf(token: pkijs.ContentInfo): pkijs.TSTInfo {
  const sd = new pkijs.SignedData({ schema: token.content });
  const content = sd.encapContentInfo;
  if (content.eContentType !== OID_TST_INFO || !content.eContent) throw new TimestampError('时间戳令牌不含 TSTInfo');
  return pkijs.TSTInfo.fromBER(content.eContent.getValue());
}

/** The signature time-stamp token already in a SignerInfo, if any. */
export function timestampTokenOf(signer: pkijs.SignerInfo): pkijs.ContentInfo | null {
  const attr = signer.unsignedAttrs?.attributes.find((a) => a.type === OID_SIGNATURE_TIMESTAMP);
  return attr ? new pkijs.ContentInfo({ schema: attr.values[0] }) : null;
}

export function hasSignatureTimestamp(pdf: Uint8Array): boolean {
  const sd = parseSignedData(findSignature(pdf).cms);
  return sd.signerInfos.some((s) => timestampTokenOf(s) !== null);
}

/**
 * Adds an RFC 3161 signature time-stamp to a sealed PDF. Only the /Contents placeholder
 * changes: the ByteRange, every signed byte and the seal's signature stay as they were.
 * Already time-stamped: returned unchanged.
 */
export async function addSignatureTimestamp(pdf: Uint8Array, tsa: TsaClient): Promise<Buffer> {
  const place = findSignature(pdf);
  const sd = parseSignedData(place.cms);
  const signer = sd.signerInfos[0];
  if (!signer) throw new TimestampError('数字签名中没有签署者');
  if (timestampTokenOf(signer)) return Buffer.from(pdf);
  const signature = new Uint8Array(signer.signature.valueBlock.valueHexView);
  const token = await requestTimestampToken(tsa, createHash('sha256').update(signature).digest());
  const attribute = new pkijs.Attribute({ type: OID_SIGNATURE_TIMESTAMP, values: [token.toSchema()] });
  if (signer.unsignedAttrs) signer.unsignedAttrs.attributes.push(attribute);
  else signer.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute] });
  const encoded = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: sd.toSchema() }).toSchema().toBER(false);
  const hex = Buffer.from(encoded).toString('hex');
  const room = place.hexEnd - place.hexStart;
  if (hex.length > room) throw new TimestampError(`签名预留空间不足：需要 ${hex.length / 2} 字节，只有 ${room / 2} 字节`);
  const out = Buffer.from(pdf);
  out.write(hex.padEnd(room, '0'), place.hexStart, 'latin1');
  // The seal must still be the same signature: same signed attributes, same signature value.
  const check = parseSignedData(findSignature(out).cms).signerInfos[0];
  if (!Buffer.from(check.signature.valueBlock.valueHexView).equals(Buffer.from(signature))) throw new TimestampError('重新编码后签名值改变了');
  return out;
}
