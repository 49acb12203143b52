/**
 * Server-side TLS of a listening socket (an extension): its 'cert' and 'key' options,
 * each PEM text or a file name (relative names resolve against the working directory:
 * src/tls/folders.ts), and the context built once both are there.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { certificateFile, MIN_TLS_VERSION } from '../tls/folders.js';

export class ServerTls {
  cert: string | undefined;
  key: string | undefined;
  /** Where each came from, for TCPGetOption: the file name, or 'pem'. */
  certSource = '';
  keySource = '';
  context: SecureContext | undefined;

  /** Sets 'cert' or 'key'; returns an error text, or undefined when all is well. */
  set(which: 'cert' | 'key', value: string): string | undefined {
    let pem = value;
    if (!value.includes('-----BEGIN')) {
      const path = certificateFile(value);
      try {
        pem = readFileSync(path, 'utf8');
      } catch (error) {
        return `cannot read the ${which} file ${path}: ${(error as Error).message}`;
      }
    }
    const source = value.includes('-----BEGIN') ? 'pem' : value;
    if (which === 'cert') [this.cert, this.certSource] = [pem, source];
    else [this.key, this.keySource] = [pem, source];
    if (this.cert === undefined || this.key === undefined) return undefined;
    try {
      this.context = createSecureContext({ cert: this.cert, key: this.key, minVersion: MIN_TLS_VERSION });
      return undefined;
    } catch (error) {
      this.context = undefined;
      if (which === 'cert') this.cert = undefined;
      else this.key = undefined;
      return `the certificate and key do not make a TLS server: ${(error as Error).message}`;
    }
  }
}
