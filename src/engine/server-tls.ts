/**
 * Server-side TLS of a listening socket (an extension): its 'cert' and 'key' options,
 * each PEM text or a file name (relative names resolve against the working directory:
 * src/tls/folders.ts), the context built once both are there, and (issue 25) the
 * 'verifyclient', 'clientca' and 'sni' options.
 *
 * Certificates change while the listener serves: every new handshake takes the context
 * current at its start (listener-socket.ts reads `handshakeOptions()` per connection), so
 * a new pair applies to new handshakes only, and established connections keep theirs.
 * On a listener that serves already, a certificate that does not match the current key
 * is held until its key comes (and the other way round): cert and key are set one
 * option at a time, and the old pair must go on serving in between. Anything else
 * wrong (a file that is not PEM) is -1021 at once, as before.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureContext } from 'node:tls';
import { clientCaCertificates } from '../tls/client-cas.js';
import { certificateFile, defaultTrustFolder, MIN_TLS_VERSION } from '../tls/folders.js';
import { parseSni, type SniEntry, sniLookup } from '../tls/sni.js';

/** What a server handshake is given (node:tls TLSSocket options). */
export interface ServerHandshakeOptions {
  secureContext: SecureContext;
  requestCert: boolean;
  /**
   * True under 'verifyclient' 2: OpenSSL then refuses a client that sends no certificate,
   * with an alert. Whether a certificate verifies is checked by us after the handshake
   * (tls-handshakes.ts): node checks it in tls.Server's own listener only.
   */
  rejectUnauthorized: boolean;
  SNICallback?: (servername: string, callback: (error: Error | null, context?: SecureContext) => void) => void;
  /** The 'alpn' option: the protocols this listener accepts, in its order of preference. */
  ALPNProtocols?: string[];
}

/** PEM text as given, or the file's text. */
function readPem(which: string, value: string): string {
  if (value.includes('-----BEGIN')) return value;
  const path = certificateFile(value);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the ${which} file ${path}: ${(error as Error).message}`);
  }
}

export class ServerTls {
  cert: string | undefined;
  key: string | undefined;
  /** Where each came from, for TCPGetOption: the file name, or 'pem'. */
  certSource = '';
  keySource = '';
  context: SecureContext | undefined;
  /** 0 none, 1 request (a certificate sent must verify), 2 require. */
  verifyClient = 0;
  /** The 'clientca' folder; '' for the trust store folder (certs/cacerts or $TCP_COMMANDS_CACERTS). */
  clientCa = '';
  /** The 'sni' option as given, and its entries with their contexts. */
  sniSource = '';
  /** Reloads done ('certreload'). */
  reloads = 0;
  /** The 'tlsminversion', 'ciphers' and 'alpn' options (policy: for new handshakes). */
  minVersion: 'TLSv1.2' | 'TLSv1.3' = MIN_TLS_VERSION;
  ciphers = '';
  alpn: string[] = [];
  private sni: SniEntry[] = [];
  private sniContexts = new Map<string, SecureContext>();

  /** Sets 'cert' or 'key'; returns an error text, or undefined when all is well. */
  set(which: 'cert' | 'key', value: string): string | undefined {
    let pem: string;
    try {
      pem = readPem(which, value);
    } catch (error) {
      return (error as Error).message;
    }
    const source = value.includes('-----BEGIN') ? 'pem' : value;
    const serving = this.context !== undefined;
    const before = { cert: this.cert, key: this.key, certSource: this.certSource, keySource: this.keySource };
    if (which === 'cert') [this.cert, this.certSource] = [pem, source];
    else [this.key, this.keySource] = [pem, source];
    if (this.cert === undefined || this.key === undefined) return undefined;
    try {
      this.context = this.build(this.cert, this.key);
      return undefined;
    } catch (error) {
      const problem = `the certificate and key do not make a TLS server: ${(error as Error).message}`;
      if (serving) {
        // Half of a new pair (the new certificate, the old key): held, while the old context serves.
        if ((error as { code?: string }).code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') return undefined;
        Object.assign(this, before); // a bad file: the listener goes on with what it had
        return problem;
      }
      this.context = undefined;
      if (which === 'cert') this.cert = undefined;
      else this.key = undefined;
      return problem;
    }
  }

  /**
   * 'verifyclient' and 'clientca': the contexts are built again with the CAs to verify
   * against (once there is a cert and key: no CA to verify with is said then, -1021).
   */
  setVerify(verifyClient: number, clientCa = this.clientCa): string | undefined {
    const before = [this.verifyClient, this.clientCa] as const;
    [this.verifyClient, this.clientCa] = [verifyClient, clientCa];
    const problem = this.rebuild();
    if (problem !== undefined) [this.verifyClient, this.clientCa] = before;
    return problem;
  }

  /**
   * 'tlsminversion' and 'ciphers': the contexts are built again (node takes the oldest
   * version and the cipher list from the context, not from a handshake's own options).
   * A list OpenSSL knows nothing of: the error text, and the old policy stays.
   */
  setPolicy(minVersion: 'TLSv1.2' | 'TLSv1.3', ciphers: string): string | undefined {
    const before = [this.minVersion, this.ciphers] as const;
    [this.minVersion, this.ciphers] = [minVersion, ciphers];
    try {
      if (ciphers !== '') createSecureContext({ ciphers }); // refused even with no certificate yet
    } catch (error) {
      [this.minVersion, this.ciphers] = before;
      return `no cipher of the list '${ciphers}' is known: ${(error as Error).message}`;
    }
    const problem = this.rebuild();
    if (problem !== undefined) [this.minVersion, this.ciphers] = before;
    return problem;
  }

  /** 'sni': `name=cert,key;name=cert,key` (file names), '' for none. */
  setSni(text: string): string | undefined {
    try {
      const entries = parseSni(text);
      const contexts = new Map<string, SecureContext>();
      for (const entry of entries) {
        contexts.set(entry.name, this.build(readPem('cert', entry.cert), readPem('key', entry.key)));
      }
      [this.sni, this.sniContexts, this.sniSource] = [entries, contexts, text.trim()];
      return undefined;
    } catch (error) {
      return `sni: ${(error as Error).message}`;
    }
  }

  /**
   * Reads every file again (serve()'s reloadCertificates, SIGHUP): the cert and key when
   * they are files, the SNI pairs, the client CAs. All or nothing: on a problem the
   * current contexts go on serving.
   */
  reload(): string | undefined {
    try {
      const cert = this.certSource === 'pem' ? this.cert : readPem('cert', this.certSource);
      const key = this.keySource === 'pem' ? this.key : readPem('key', this.keySource);
      const context = cert !== undefined && key !== undefined ? this.build(cert, key) : undefined;
      const problem = this.setSni(this.sniSource);
      if (problem !== undefined) return problem;
      [this.cert, this.key, this.context] = [cert, key, context];
      this.reloads++;
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** The options of a new handshake, undefined when the listener is plain. */
  handshakeOptions(): ServerHandshakeOptions | undefined {
    const context = this.context;
    if (context === undefined) return undefined;
    const options: ServerHandshakeOptions = { secureContext: context, requestCert: this.verifyClient > 0, rejectUnauthorized: this.verifyClient === 2 };
    if (this.alpn.length > 0) options.ALPNProtocols = this.alpn;
    if (this.sni.length > 0) {
      const sni = this.sniContexts;
      const entries = this.sni;
      options.SNICallback = (servername, callback) => {
        const name = sniLookup(entries, servername);
        callback(null, (name === undefined ? undefined : sni.get(name)) ?? context);
      };
    }
    return options;
  }

  private rebuild(): string | undefined {
    try {
      if (this.cert !== undefined && this.key !== undefined) this.context = this.build(this.cert, this.key);
      return this.setSni(this.sniSource);
    } catch (error) {
      return (error as Error).message;
    }
  }

  private build(cert: string, key: string): SecureContext {
    return createSecureContext({
      cert,
      key,
      minVersion: this.minVersion,
      ...(this.ciphers !== '' ? { ciphers: this.ciphers } : {}),
      ...(this.verifyClient > 0 ? { ca: this.clientCas() } : {}),
    });
  }

  /** The CAs client certificates must lead to: the folder's certificates only, not node's public roots. */
  private clientCas(): string[] {
    return clientCaCertificates(this.clientCa === '' ? defaultTrustFolder() : certificateFile(this.clientCa));
  }
}
