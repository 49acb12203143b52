/**
 * Certificates made at test time with node-forge (never committed keys): a CA, a server
 * certificate it signs for localhost and 127.0.0.1, an expired one, one for the wrong
 * name, and a self-signed one. Written as PEM (and the CA also as DER) into a temp folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

const DAY = 24 * 60 * 60 * 1000;

export interface TestPki {
  dir: string;
  caPem: string;
  /** Files in `dir`: ca.pem, ca.der, and <name>.pem / <name>.key for each server certificate. */
  file(name: string): string;
}

interface Leaf {
  name: string;
  commonName: string;
  dnsNames: string[];
  ips: string[];
  notBefore: Date;
  notAfter: Date;
  selfSigned?: boolean;
}

let serial = 1;

function makeCertificate(
  subjectKey: forge.pki.rsa.KeyPair,
  commonName: string,
  issuer: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | undefined,
  extensions: object[],
  notBefore: Date,
  notAfter: Date,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = subjectKey.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'tcp-commands tests' }];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subject);
  cert.setExtensions(extensions);
  cert.sign(issuer ? issuer.key : subjectKey.privateKey, forge.md.sha256.create());
  return cert;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-pki-'));
  const now = Date.now();
  const caKey = forge.pki.rsa.generateKeyPair(2048);
  const ca = makeCertificate(
    caKey,
    'tcp-commands Test CA',
    undefined,
    [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
    new Date(now - DAY),
    new Date(now + 30 * DAY),
  );
  const caPem = forge.pki.certificateToPem(ca);
  writeFileSync(join(dir, 'ca.pem'), caPem);
  writeFileSync(join(dir, 'ca.der'), Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(ca)).getBytes(), 'binary'));

  const leafKey = forge.pki.rsa.generateKeyPair(2048);
  const keyPem = forge.pki.privateKeyToPem(leafKey.privateKey);
  const leaves: Leaf[] = [
    { name: 'server', commonName: 'localhost', dnsNames: ['localhost'], ips: ['127.0.0.1', '::1'], notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) },
    { name: 'expired', commonName: 'localhost', dnsNames: ['localhost'], ips: ['127.0.0.1'], notBefore: new Date(now - 10 * DAY), notAfter: new Date(now - DAY) },
    { name: 'wrong-name', commonName: 'wrong.example', dnsNames: ['wrong.example'], ips: [], notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY) },
    { name: 'self-signed', commonName: 'localhost', dnsNames: ['localhost'], ips: ['127.0.0.1'], notBefore: new Date(now - DAY), notAfter: new Date(now + 30 * DAY), selfSigned: true },
  ];
  for (const leaf of leaves) {
    const altNames = [...leaf.dnsNames.map((value) => ({ type: 2, value })), ...leaf.ips.map((ip) => ({ type: 7, ip }))];
    const cert = makeCertificate(
      leafKey,
      leaf.commonName,
      leaf.selfSigned ? undefined : { cert: ca, key: caKey.privateKey },
      [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames },
      ],
      leaf.notBefore,
      leaf.notAfter,
    );
    writeFileSync(join(dir, `${leaf.name}.pem`), forge.pki.certificateToPem(cert));
    writeFileSync(join(dir, `${leaf.name}.key`), keyPem);
  }
  return { dir, caPem, file: (name) => join(dir, name) };
}
