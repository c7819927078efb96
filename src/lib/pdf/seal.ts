import { PDFDocument } from 'pdf-lib';
import forge from 'node-forge';
import { generateKeyPairSync } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { addSignatureTimestamp, type TsaClient } from './timestamp.js';
import { deflateNatively } from './ink.js';
import { SealSigner } from './seal-signer.js';

/**
 * Seals a finished document with a PKCS#7 detached signature (@signpdf places it, seal-signer.ts makes it), so a PDF reader
 * shows it as signed and any later change as a broken signature.
 */
export interface SealCertificate {
  p12: Buffer;
  passphrase: string;
}

/** Bytes reserved in /Contents for the CMS (hex doubles it in the file). */
export const SIGNATURE_ROOM = 16384;

/** `signingTime` fixes the seal's time (else now): the same input then seals to the same bytes. */
export async function sealPdf(pdf: Uint8Array, cert: SealCertificate, info: { reason: string; name: string; location?: string; signingTime?: Date }): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  deflateNatively(doc);
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: info.reason,
    contactInfo: '',
    name: info.name,
    location: info.location ?? '',
    // Room for the seal's CMS and, later, a TSA's time-stamp token with its certificates
    // (a real TSA's chain runs to several kilobytes): the token goes into this placeholder.
    signatureLength: SIGNATURE_ROOM,
    ...(info.signingTime ? { signingTime: info.signingTime } : {}),
  });
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
  return new SignPdf().sign(prepared, new SealSigner(cert.p12, cert.passphrase), info.signingTime);
}

/**
 * Seals, then asks the TSA (when one is configured) for a signature time-stamp. A TSA that
 * fails never costs the seal: the sealed PDF comes back with `pending` and the reason, and
 * the time-stamp is added later by `addSignatureTimestamp` into the same placeholder.
 */
export async function sealWithTimestamp(
  pdf: Uint8Array,
  cert: SealCertificate,
  info: Parameters<typeof sealPdf>[2],
  tsa: TsaClient | undefined,
): Promise<{ pdf: Buffer; timestamped: boolean; pending: string | null }> {
  const sealed = await sealPdf(pdf, cert, info);
  if (!tsa) return { pdf: sealed, timestamped: false, pending: null };
  try {
    return { pdf: await addSignatureTimestamp(sealed, tsa), timestamped: true, pending: null };
  } catch (e) {
    return { pdf: sealed, timestamped: false, pending: (e as Error).message.slice(0, 300) };
  }
}

/** A self-signed certificate for local use when none is configured (kept in the data folder). */
export function createSelfSignedP12(commonName: string, passphrase: string, now = new Date()): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  cert.validity.notBefore = now;
  cert.validity.notAfter = new Date(now.getTime() + 10 * 365 * 86_400_000);
  const attrs = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Handover Kit' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(key, [cert], passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}
