/**
 * The CAs a TLS listener verifies client certificates against ('verifyclient'): every
 * certificate in a folder (PEM files, PEM bundles, DER files), as the trust store is read
 * (trust-store.ts), but with node's crypto.X509Certificate alone: the engine must not load
 * node-forge (some 30 ms) for a listener, and X509Certificate reads every key type.
 * Files that hold no certificate are skipped, as the trust store skips them.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** The PEM text of each certificate in `folder`; throws when there is none. */
export function clientCaCertificates(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch (error) {
    throw new Error(`cannot read the client CA folder ${folder}: ${(error as Error).message}`);
  }
  const pems: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || /^readme(\.\w+)?$/i.test(name)) continue;
    const path = join(folder, name);
    try {
      if (!statSync(path).isFile()) continue;
      const bytes = readFileSync(path);
      const text = bytes.toString('latin1');
      const blocks = text.includes('-----BEGIN') ? (text.match(PEM_BLOCK) ?? []) : [bytes];
      for (const block of blocks) pems.push(new X509Certificate(block).toString());
    } catch {
      // not a certificate: skipped, as in the trust store
    }
  }
  if (pems.length === 0) throw new Error(`no CA certificate in ${folder} to verify clients with`);
  return pems;
}
