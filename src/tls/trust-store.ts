/**
 * The trust store: every certificate in the certs/cacerts folder (PEM files, PEM bundles,
 * DER files), read with node-forge.
 *
 * node-forge reads RSA certificates only (it throws on EC and Ed25519 keys), so a
 * certificate forge cannot read is read again with node's crypto.X509Certificate; both
 * yield the PEM text node:tls wants. `forge.pem.decode` splits bundles (forge's
 * certificateFromPem would read only the first block). A file that holds no certificate
 * is reported as a problem and skipped; it never stops the others from loading.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { defaultTrustFolder } from './folders.js';


export interface TrustedCertificate {
  file: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** Whether the certificate says it is a CA (basicConstraints). */
  isCA: boolean;
  pem: string;
}

export interface TrustProblem {
  file: string;
  reason: string;
}

export interface TrustStore {
  folder: string;
  certificates: TrustedCertificate[];
  problems: TrustProblem[];
}

/** Files that describe the folder rather than belong in it. */
function isDocumentation(name: string): boolean {
  return name.startsWith('.') || /^readme(\.\w+)?$/i.test(name);
}

function distinguishedName(attributes: forge.pki.CertificateField[]): string {
  return attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', ');
}

/** One DER certificate, through forge first, node's X509Certificate for what forge cannot read. */
export function readCertificate(der: Buffer, file: string): TrustedCertificate {
  try {
    const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
    const constraints = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
    return {
      file,
      subject: distinguishedName(cert.subject.attributes),
      issuer: distinguishedName(cert.issuer.attributes),
      notBefore: cert.validity.notBefore,
      notAfter: cert.validity.notAfter,
      isCA: constraints?.cA === true,
      pem: forge.pki.certificateToPem(cert),
    };
  } catch {
    const cert = new X509Certificate(der); // throws for what is not a certificate at all
    return {
      file,
      subject: cert.subject.replace(/\n/g, ', '),
      issuer: cert.issuer.replace(/\n/g, ', '),
      notBefore: new Date(cert.validFrom),
      notAfter: new Date(cert.validTo),
      isCA: cert.ca,
      pem: cert.toString(),
    };
  }
}

/** The certificates of one file's bytes (PEM, PEM bundle or DER); throws with the reason. */
export function certificatesInFile(bytes: Buffer, file: string): TrustedCertificate[] {
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return [readCertificate(bytes, file)];
  const blocks = forge.pem.decode(text).filter((block) => /CERTIFICATE/.test(block.type));
  if (blocks.length === 0) throw new Error('a PEM file with no CERTIFICATE block');
  return blocks.map((block) => readCertificate(Buffer.from(block.body, 'binary'), file));
}

export function loadTrustStore(folder: string = defaultTrustFolder()): TrustStore {
  const store: TrustStore = { folder, certificates: [], problems: [] };
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch (error) {
    store.problems.push({ file: folder, reason: `cannot read the folder: ${(error as Error).message}` });
    return store;
  }
  for (const name of names) {
    if (isDocumentation(name)) continue;
    const path = join(folder, name);
    try {
      if (!statSync(path).isFile()) continue;
      store.certificates.push(...certificatesInFile(readFileSync(path), name));
    } catch (error) {
      store.problems.push({ file: name, reason: `not a certificate (${(error as Error).message.split('\n')[0]})` });
    }
  }
  return store;
}

/**
 * What the folder looks like now (names, sizes, change times): when this changes, the
 * store is read again. Cheap enough to check at every secure connect.
 */
export function folderSignature(folder: string): string {
  try {
    const parts = [String(statSync(folder).mtimeMs)];
    for (const name of readdirSync(folder)) {
      const stat = statSync(join(folder, name));
      parts.push(`${name}:${stat.size}:${stat.mtimeMs}`);
    }
    return parts.join('|');
  } catch {
    return 'unreadable';
  }
}
