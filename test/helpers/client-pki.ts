/**
 * Certificates for mutual TLS, made with the openssl command line in a temp folder (the
 * commands docs/tls.md shows): a CA, a server certificate for localhost/127.0.0.1, a client
 * certificate the CA signs, one from another CA, an encrypted copy of the client key, and
 * PKCS#12 bundles with and without a passphrase (legacy 3DES, and OpenSSL 3's default AES).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClientPki {
  dir: string;
  /** A file of `dir`: ca.pem, server.pem/.key, client.pem/.key, client-enc.key, client.p12, client-nopass.p12, client-aes.p12, stranger.pem/.key, other-ca.pem. */
  file(name: string): string;
  passphrase: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A key and a certificate `name` signed by `ca` (ca.pem/ca.key), with the extensions of `ext`. */
function signed(dir: string, name: string, subject: string, ca: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, 'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
}

export function makeClientPki(): ClientPki {
  const dir = mkdtempSync(join(tmpdir(), 'tcp-mtls-'));
  const passphrase = 'correct horse';
  for (const ca of ['ca', 'other-ca']) {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '30', '-subj', `/CN=tcp-commands ${ca}/O=tcp-commands tests`);
  }
  signed(dir, 'server', '/CN=localhost/O=tcp-commands tests', 'ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signed(dir, 'client', '/CN=client one/O=tcp-commands tests', 'ca', 'subjectAltName=DNS:client.example\nextendedKeyUsage=clientAuth\n');
  signed(dir, 'stranger', '/CN=stranger/O=elsewhere', 'other-ca', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, 'pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${passphrase}`, '-out', 'client-enc.key');
  // OpenSSL 3 encrypts PKCS#12 with PBES2/AES by default; -legacy (3DES, SHA-1 MAC) is what node-forge reads.
  const legacy = ['-legacy'];
  openssl(dir, 'pkcs12', '-export', ...legacy, '-in', 'client.pem', '-inkey', 'client.key', '-certfile', 'ca.pem', '-passout', `pass:${passphrase}`, '-out', 'client.p12');
  openssl(dir, 'pkcs12', '-export', ...legacy, '-in', 'client.pem', '-inkey', 'client.key', '-passout', 'pass:', '-out', 'client-nopass.p12');
  // OpenSSL 3's default (PBES2 with AES-256, a SHA-256 MAC): node-forge reads it too.
  openssl(dir, 'pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-passout', `pass:${passphrase}`, '-out', 'client-aes.p12');
  return { dir, passphrase, file: (name) => join(dir, name) };
}
