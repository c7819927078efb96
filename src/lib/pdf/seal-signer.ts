import { createHash, createPrivateKey, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import forge from 'node-forge';
import { Signer, SignPdfError } from '@signpdf/utils';

/**
 * The seal's CMS (adbe.pkcs7.detached), built with pkijs and signed by Node's own crypto.
 * @signpdf's P12Signer opened the PKCS#12 again for every seal (its key derivation and
 * 3DES in JavaScript) and signed with node-forge's JavaScript RSA: about 40 ms of the CPU a
 * seal costs, on the job worker's one thread. Here the certificate file is opened once per
 * process and the RSA signature and the document's SHA-256 are native.
 *
 * The CMS carries what P12Signer's did, in the order EU validators expect: contentType,
 * signingTime, messageDigest as signed attributes, the certificates from the file, one
 * SignerInfo (issuer and serial number, SHA-256 with RSA).
 */
interface SealKey {
  key: webcrypto.CryptoKey;
  certificate: pkijs.Certificate;
  certificates: pkijs.Certificate[];
}

const OID_DATA = '1.2.840.113549.1.7.1';
const OID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

// By the file's and passphrase's hash: a process seals with one certificate, opened once.
const opened = new Map<string, Promise<SealKey>>();

function openSealKey(file: Uint8Array, passphrase: string): Promise<SealKey> {
  // From a worker thread a Buffer arrives as a plain Uint8Array.
  const p12 = Buffer.isBuffer(file) ? file : Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const id = createHash('sha256').update(p12).update('\0').update(passphrase).digest('hex');
  let key = opened.get(id);
  if (!key) {
    key = readP12(p12, passphrase);
    key.catch(() => opened.delete(id)); // a wrong passphrase is not remembered
    opened.set(id, key);
  }
  return key;
}

async function readP12(p12: Buffer, passphrase: string): Promise<SealKey> {
  let bags: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    bags = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), false, passphrase);
  } catch (e) {
    throw new SignPdfError(`封存证书无法打开（口令错误或文件损坏）：${(e as Error).message}`, SignPdfError.TYPE_INPUT);
  }
  const certs = (bags.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).map((b) => b.cert!).filter(Boolean);
  const privateKey = bags.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]?.[0]?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!privateKey) throw new SignPdfError('封存证书里没有私钥', SignPdfError.TYPE_INPUT);
  const own = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(privateKey.n) === 0 && pub.e?.compareTo(privateKey.e) === 0;
  });
  if (!own) throw new SignPdfError('封存证书里没有与私钥对应的证书', SignPdfError.TYPE_INPUT);
  const toPkijs = (c: forge.pki.Certificate) => pkijs.Certificate.fromBER(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary'));
  const pkcs8 = createPrivateKey(forge.pki.privateKeyToPem(privateKey)).export({ type: 'pkcs8', format: 'der' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  return { key, certificate: toPkijs(own), certificates: certs.map(toPkijs) };
}

export class SealSigner extends Signer {
  constructor(private readonly p12: Uint8Array, private readonly passphrase: string) {
    super();
  }

  async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const { key, certificate, certificates } = await openSealKey(this.p12, this.passphrase);
    const digest = createHash('sha256').update(pdfBuffer).digest();
    const signedData = new pkijs.SignedData({
      version: 1,
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID_DATA }),
      certificates,
      signerInfos: [
        new pkijs.SignerInfo({
          version: 1,
          sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
          signedAttrs: new pkijs.SignedAndUnsignedAttributes({
            type: 0,
            attributes: [
              new pkijs.Attribute({ type: OID_CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: OID_DATA })] }),
              new pkijs.Attribute({ type: OID_SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: signingTime ?? new Date() })] }),
              new pkijs.Attribute({ type: OID_MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: digest })] }),
            ],
          }),
        }),
      ],
      digestAlgorithms: [new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256, algorithmParams: new asn1js.Null() })],
    });
    // Signs the signed attributes (their SET encoding): the content is detached, its digest is in them.
    await signedData.sign(key, 0, 'SHA-256');
    const cms = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signedData.toSchema(true) });
    return Buffer.from(cms.toSchema().toBER(false));
  }
}
