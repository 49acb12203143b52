/**
 * A thread's client-side TLS settings (socket 0's `cert`, `key`, `passphrase`, `pfx`,
 * `tlsminversion`, `ciphers`, `alpn`), checked when they are set so that a bad file, a
 * wrong passphrase or a key that does not match its certificate is told at TCPSetOption,
 * not at some later connect. Checked on the calling thread: node's crypto is synchronous
 * and the engine need not know about a setting until a connect uses it.
 *
 * The key travels decrypted (the passphrase is applied here once), so the engine builds its
 * context from plain PEM and caches it by the settings' text (engine/client-contexts.ts).
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { certificateFile, MIN_TLS_VERSION } from './folders.js';

export interface ClientTlsSettings {
  /** The certificate chain, PEM; its source for TCPGetOption: the file name, 'pem' or 'pfx'. */
  certPem?: string;
  certSource: string;
  /** The key as given (maybe encrypted), and its source. */
  keyText?: string;
  keySource: string;
  passphrase: string;
  /** The key, decrypted (PKCS#8 PEM), once it could be read. */
  keyPem?: string;
  pfxSource: string;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers: string;
  alpn: string;
}

export function emptyClientTls(): ClientTlsSettings {
  return { certSource: '', keySource: '', passphrase: '', pfxSource: '', minVersion: MIN_TLS_VERSION, ciphers: '', alpn: '' };
}

/** What the engine needs of them, as the text a connect request carries ('' when nothing differs from the defaults). */
export interface ClientTlsWire {
  cert?: string;
  key?: string;
  minVersion?: string;
  ciphers?: string;
  alpn?: string[];
}

export function clientTlsWire(settings: ClientTlsSettings): string {
  const wire: ClientTlsWire = {};
  // A certificate without its key (or the reverse) is not presented: it would fail every handshake.
  if (settings.certPem !== undefined && settings.keyPem !== undefined) [wire.cert, wire.key] = [settings.certPem, settings.keyPem];
  if (settings.minVersion !== MIN_TLS_VERSION) wire.minVersion = settings.minVersion;
  if (settings.ciphers !== '') wire.ciphers = settings.ciphers;
  if (settings.alpn !== '') wire.alpn = alpnList(settings.alpn);
  return Object.keys(wire).length === 0 ? '' : JSON.stringify(wire);
}

/** 'h2, http/1.1' as ['h2', 'http/1.1']. */
export function alpnList(text: string): string[] {
  return text.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/** PEM text as given, or the text of the file it names (relative to the working directory). */
function pemOrFile(which: string, value: string): { text: string; source: string } | string {
  if (value.includes('-----BEGIN')) return { text: value, source: 'pem' };
  const path = certificateFile(value);
  try {
    return { text: readFileSync(path, 'utf8'), source: value };
  } catch (error) {
    return `cannot read the ${which} file ${path}: ${(error as Error).message}`;
  }
}

/** The key decrypted with the passphrase; 'missing' when it is encrypted and there is none yet. */
function decryptKey(keyText: string, passphrase: string): KeyObject | 'missing' | string {
  try {
    return createPrivateKey({ key: keyText, passphrase: passphrase === '' ? undefined : passphrase });
  } catch (error) {
    const code = (error as { code?: string }).code;
    // OpenSSL 3 asks for a passphrase nobody gave: 'interrupted or cancelled' (older: ERR_MISSING_PASSPHRASE).
    if (passphrase === '' && (code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED')) return 'missing';
    if (passphrase !== '' && /bad decrypt|ERR_OSSL_BAD_DECRYPT/i.test(`${(error as Error).message} ${code ?? ''}`)) {
      return 'the passphrase does not decrypt the key (wrong passphrase)';
    }
    return `the key cannot be read: ${(error as Error).message}`;
  }
}

/**
 * The settings once `cert`, `key` and `passphrase` are checked together: the certificate
 * parses, the key decrypts, and they belong together. An error text, or undefined.
 */
function checkPair(settings: ClientTlsSettings): string | undefined {
  settings.keyPem = undefined;
  let leaf: X509Certificate | undefined;
  if (settings.certPem !== undefined) {
    try {
      leaf = new X509Certificate(settings.certPem);
    } catch (error) {
      return `the certificate cannot be read: ${(error as Error).message}`;
    }
  }
  if (settings.keyText === undefined) return undefined;
  const key = decryptKey(settings.keyText, settings.passphrase);
  if (key === 'missing') return undefined; // the passphrase may come next: checked then
  if (typeof key === 'string') return key;
  if (leaf !== undefined && !leaf.checkPrivateKey(key)) return 'the key does not match the certificate';
  settings.keyPem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  return undefined;
}

/** Sets 'cert', 'key' or 'passphrase' (value '' clears it); an error text (nothing changed), or undefined. */
export function setIdentityPart(settings: ClientTlsSettings, which: 'cert' | 'key' | 'passphrase', value: string): string | undefined {
  const next = { ...settings, pfxSource: '' };
  if (which === 'passphrase') next.passphrase = value;
  else if (value === '') {
    if (which === 'cert') [next.certPem, next.certSource] = [undefined, ''];
    else [next.keyText, next.keySource] = [undefined, ''];
  } else {
    const read = pemOrFile(which === 'cert' ? 'certificate' : 'key', value);
    if (typeof read === 'string') return read;
    if (which === 'cert') [next.certPem, next.certSource] = [read.text, read.source];
    else [next.keyText, next.keySource] = [read.text, read.source];
  }
  const problem = checkPair(next);
  if (problem === undefined) Object.assign(settings, next);
  return problem;
}

type Forge = typeof import('node-forge');
let forge: Forge | undefined;

/**
 * Sets 'pfx': a PKCS#12 file, opened with node-forge and the thread's passphrase (set it
 * first), becomes the certificate chain and key. '' clears it.
 */
export function setPfx(settings: ClientTlsSettings, value: string): string | undefined {
  if (value === '') {
    if (settings.pfxSource !== '') Object.assign(settings, { certPem: undefined, keyText: undefined, keyPem: undefined, certSource: '', keySource: '', pfxSource: '' });
    return undefined;
  }
  const path = certificateFile(value);
  let der: Buffer;
  try {
    der = readFileSync(path);
  } catch (error) {
    return `cannot read the pfx file ${path}: ${(error as Error).message}`;
  }
  // Loaded here, not with the module: it takes some 30 ms, which threads without a pfx never pay.
  forge ??= createRequire(import.meta.url)('node-forge') as Forge;
  let bundle: import('node-forge').pkcs12.Pkcs12Pfx;
  try {
    bundle = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der.toString('binary')), settings.passphrase);
  } catch (error) {
    const message = (error as Error).message;
    return /MAC could not be verified|Invalid password/i.test(message)
      ? `the passphrase does not open the pfx file ${path} (wrong passphrase)`
      : `the pfx file ${path} cannot be read (PKCS#12 with an RSA key): ${message}`;
  }
  const bags = (type: string): import('node-forge').pkcs12.Bag[] => bundle.getBags({ bagType: type })[type] ?? [];
  const keyBag = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)].find((bag) => bag.key !== undefined);
  const certs = bags(forge.pki.oids.certBag!).flatMap((bag) => (bag.cert === undefined ? [] : [bag.cert]));
  if (keyBag?.key === undefined || certs.length === 0) return `the pfx file ${path} holds no RSA key and certificate`;
  // The certificate of the key first, then the rest of the chain.
  const keyPem = forge.pki.privateKeyToPem(keyBag.key);
  const key = createPrivateKey(keyPem);
  const pems = certs.map((cert) => forge!.pki.certificateToPem(cert));
  const ownsKey = (pem: string): boolean => new X509Certificate(pem).checkPrivateKey(key);
  const ordered = [...pems.filter(ownsKey), ...pems.filter((pem) => !ownsKey(pem))];
  const next: ClientTlsSettings = {
    ...settings,
    certPem: ordered.join(''),
    certSource: 'pfx',
    keyText: keyPem,
    keySource: 'pfx',
    pfxSource: value,
  };
  const problem = checkPair({ ...next, passphrase: '' });
  if (problem !== undefined) return problem;
  next.keyPem = keyPem;
  Object.assign(settings, next);
  return undefined;
}

/** An OpenSSL cipher list node accepts ('' for the default); an error text, or undefined. */
export function checkCiphers(list: string): string | undefined {
  if (list === '') return undefined;
  try {
    // node:tls takes some 7 ms to load: only a thread that sets a cipher list pays it.
    const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
    tls.createSecureContext({ ciphers: list });
    return undefined;
  } catch (error) {
    return `no cipher of the list '${list}' is known: ${(error as Error).message}`;
  }
}

/** 'TLSv1.2' or 'TLSv1.3' (any case), or undefined. */
export function tlsVersionNamed(name: string): 'TLSv1.2' | 'TLSv1.3' | undefined {
  const lower = name.toLowerCase();
  return lower === 'tlsv1.2' ? 'TLSv1.2' : lower === 'tlsv1.3' ? 'TLSv1.3' : undefined;
}

/** ALPN names: 1 to 255 bytes each, printable. An error text, or undefined. */
export function checkAlpn(text: string): string | undefined {
  for (const name of alpnList(text)) {
    if (Buffer.byteLength(name) > 255 || /[\u0000-\u0020\u007f]/.test(name)) return `'${name}' is no ALPN protocol name`;
  }
  return undefined;
}
