/**
 * A small lab PKI for NMS servers: self-signed server certificates, a CA, and server
 * certificates signed by that CA. Everything comes back as PEM text (certificate, and the
 * private key as PKCS#8). X.509 encoding is left to @peculiar/x509 over Node's webcrypto.
 */
// @peculiar/x509 needs a Reflect metadata polyfill loaded before it.
import 'reflect-metadata';
import { webcrypto, createPrivateKey, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

export type KeyType = 'ec' | 'rsa';

export interface Pem {
  cert: string;
  key: string;
}

export interface CertOptions {
  /** Subject CN. Defaults to the first DNS SAN, else the first IP SAN, else `localhost`. */
  commonName?: string;
  /** SubjectAltName IP entries. */
  ipSans?: string[];
  /** SubjectAltName DNS entries. */
  dnsSans?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** EC P-256 (default, fast) or RSA 2048. */
  keyType?: KeyType;
}

export interface CaOptions {
  commonName?: string;
  notBefore?: Date;
  notAfter?: Date;
  keyType?: KeyType;
}

const DAY_MS = 24 * 3600 * 1000;

function algorithmFor(keyType: KeyType): RsaHashedKeyGenParams | EcKeyGenParams {
  return keyType === 'rsa'
    ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }
    : { name: 'ECDSA', namedCurve: 'P-256' };
}

function signingAlgorithm(keyType: KeyType): Algorithm | EcdsaParams {
  return keyType === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5' } : ({ name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams);
}

async function newKeys(keyType: KeyType): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(algorithmFor(keyType), true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** A positive random serial number (hex, high bit clear). */
function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

/** A CN value with the characters that matter in a DN string escaped. */
function cnName(cn: string): string {
  return `CN=${cn.replace(/([,+"\\<>;=])/g, '\\$1')}`;
}

function validity(o: { notBefore?: Date; notAfter?: Date }): { notBefore: Date; notAfter: Date } {
  const notBefore = o.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = o.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  return { notBefore, notAfter };
}

function serverExtensions(o: CertOptions, keyType: KeyType): x509.Extension[] {
  const names: x509.JsonGeneralName[] = [
    ...(o.dnsSans ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(o.ipSans ?? []).map((value) => {
      if (!isIP(value)) throw new Error(`not an IP address for a SubjectAltName IP entry: ${value}`);
      return { type: 'ip' as const, value };
    }),
  ];
  const usage =
    keyType === 'rsa'
      ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment
      : x509.KeyUsageFlags.digitalSignature;
  const exts: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
  ];
  if (names.length > 0) exts.push(new x509.SubjectAlternativeNameExtension(names));
  return exts;
}

function defaultCn(o: CertOptions): string {
  return o.commonName ?? o.dnsSans?.[0] ?? o.ipSans?.[0] ?? 'localhost';
}

/** A self-signed server certificate (not a CA) naming the server by CN and/or SANs. */
export async function makeSelfSigned(opts: CertOptions = {}): Promise<Pem> {
  const keyType = opts.keyType ?? 'ec';
  const keys = await newKeys(keyType);
  const extensions = serverExtensions(opts, keyType);
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: cnName(defaultCn(opts)),
    ...validity(opts),
    signingAlgorithm: signingAlgorithm(keyType),
    keys,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPem(keys.privateKey) };
}

/** A self-signed CA certificate that can sign server certificates. */
export async function makeCa(opts: CaOptions = {}): Promise<Pem> {
  const keyType = opts.keyType ?? 'ec';
  const keys = await newKeys(keyType);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: cnName(opts.commonName ?? 'nc-grpc-device lab CA'),
    ...validity({ notBefore: opts.notBefore, notAfter: opts.notAfter ?? (opts.notBefore ? undefined : new Date(Date.now() + 10 * 365 * DAY_MS)) }),
    signingAlgorithm: signingAlgorithm(keyType),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPem(keys.privateKey) };
}

/** Loads a PKCS#8 (or any PEM private key Node reads) as a webcrypto signing key. */
async function importSigningKey(pem: string): Promise<{ key: CryptoKey; keyType: KeyType }> {
  const ko = createPrivateKey(pem);
  const der = ko.export({ format: 'der', type: 'pkcs8' });
  const keyType: KeyType = ko.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
  if (ko.asymmetricKeyType !== 'rsa' && ko.asymmetricKeyType !== 'ec') {
    throw new Error(`unsupported CA key type: ${ko.asymmetricKeyType}`);
  }
  const params =
    keyType === 'rsa'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: (ko.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'P-256' : ko.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'P-384' : 'P-256') };
  const key = await crypto.subtle.importKey('pkcs8', der, params, false, ['sign']);
  return { key, keyType };
}

/** A server certificate signed by `ca` (from makeCa or any CA PEM pair). */
export async function makeSigned(ca: Pem, opts: CertOptions = {}): Promise<Pem> {
  const keyType = opts.keyType ?? 'ec';
  const caCert = new x509.X509Certificate(ca.cert);
  const { key: caKey, keyType: caKeyType } = await importSigningKey(ca.key);
  const keys = await newKeys(keyType);
  const extensions = serverExtensions(opts, keyType);
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(caCert));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: cnName(defaultCn(opts)),
    issuer: caCert.subject,
    ...validity(opts),
    signingAlgorithm: signingAlgorithm(caKeyType),
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: await keyPem(keys.privateKey) };
}

/** The base64 body of a PEM certificate on one line: the form a Junos `trusted-cert` holds. */
export function oneLineCert(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no PEM certificate found');
  return m[1].replace(/\s+/g, '');
}
