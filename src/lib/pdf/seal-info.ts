import * as pkijs from 'pkijs';
import { createHash } from 'node:crypto';
import { findSignature, parseSignedData, signedBytes, timestampTokenOf, tstInfoOf } from './timestamp.js';

/**
 * What a sealed PDF says about itself, read from the CMS in /Contents with pkijs: the seal's
 * certificate, whether the signature still matches the signed bytes (and whether those are
 * the whole file), and the trusted time-stamp, if any. Shown by /verify/ to anyone who holds
 * the PDF; it trusts nothing but the bytes.
 */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  /** SHA-256 of the DER certificate, as AB:CD:… */
  sha256: string;
}

export interface TimestampInfo {
  time: string;
  authority: string;
  serialNumber: string;
  policy: string;
  /** The token's own signature holds and its imprint is the seal's signature. */
  valid: boolean;
}

export interface SealReport {
  /** The seal's signature verifies over the signed bytes. */
  signatureValid: boolean;
  /** The signed bytes are the whole file but the signature placeholder (nothing appended). */
  coversWholeFile: boolean;
  certificate: CertificateInfo | null;
  /** The signing time the seal claims (the server's clock, not a trusted time). */
  signingTime: string | null;
  timestamp: TimestampInfo | null;
}

const NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'E',
};

export function distinguishedName(rdn: pkijs.RelativeDistinguishedNames): string {
  return rdn.typesAndValues
    .map((tv) => `${NAMES[tv.type] ?? tv.type}=${String((tv.value.valueBlock as { value?: unknown }).value ?? '')}`)
    .join(', ');
}

const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

export function certificateInfo(cert: pkijs.Certificate): CertificateInfo {
  const der = new Uint8Array(cert.toSchema(false).toBER(false));
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    serialNumber: hex(cert.serialNumber.valueBlock.valueHexView).toUpperCase(),
    sha256: createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':'),
  };
}

/** The certificate a SignerInfo names (issuer and serial), from the SignedData's certificates. */
function signerCertificate(sd: pkijs.SignedData, signer: pkijs.SignerInfo): pkijs.Certificate | null {
  const certs = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid = signer.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return certs.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber)) ?? null;
  }
  return certs[0] ?? null;
}

function signingTimeOf(signer: pkijs.SignerInfo): string | null {
  const attr = signer.signedAttrs?.attributes.find((a) => a.type === '1.2.840.113549.1.9.5');
  const value = attr?.values[0] as { toDate?: () => Date } | undefined;
  return value?.toDate ? value.toDate().toISOString() : null;
}

async function timestampInfo(signer: pkijs.SignerInfo): Promise<TimestampInfo | null> {
  const token = timestampTokenOf(signer);
  if (!token) return null;
  const info = tstInfoOf(token);
  const tsd = new pkijs.SignedData({ schema: token.content });
  const tsaSigner = tsd.signerInfos[0];
  const tsaCert = tsaSigner ? signerCertificate(tsd, tsaSigner) : null;
  let authority = '';
  if (info.tsa && info.tsa.type === 4) authority = distinguishedName(info.tsa.value as pkijs.RelativeDistinguishedNames);
  if (!authority && tsaCert) authority = distinguishedName(tsaCert.subject);
  // For a TSTInfo pkijs also checks the imprint against `data`: here the seal's signature value.
  const stamped = new Uint8Array(signer.signature.valueBlock.valueHexView);
  let valid = false;
  try {
    valid = await tsd.verify({ signer: 0, data: stamped.slice().buffer, checkChain: false });
  } catch {
    valid = false;
  }
  return { time: info.genTime.toISOString(), authority, serialNumber: hex(info.serialNumber.valueBlock.valueHexView).toUpperCase(), policy: info.policy, valid };
}

/** Null when the PDF carries no signature we can read. */
export async function readSeal(pdf: Uint8Array): Promise<SealReport | null> {
  let place;
  let sd;
  try {
    place = findSignature(pdf);
    sd = parseSignedData(place.cms);
  } catch {
    return null;
  }
  const signer = sd.signerInfos[0];
  if (!signer) return null;
  const cert = signerCertificate(sd, signer);
  const [a, b, c, d] = place.byteRange;
  const coversWholeFile = a === 0 && c + d === pdf.length && b < c;
  let signatureValid = false;
  try {
    const data = signedBytes(pdf, place.byteRange);
    signatureValid = await sd.verify({ signer: 0, data: new Uint8Array(data).buffer, checkChain: false });
  } catch {
    signatureValid = false;
  }
  return {
    signatureValid,
    coversWholeFile,
    certificate: cert ? certificateInfo(cert) : null,
    signingTime: signingTimeOf(signer),
    timestamp: await timestampInfo(signer).catch(() => null),
  };
}
