/**
 * Socket 0's TLS text options (`cert`, `key`, `passphrase`, `pfx`, `tlsminversion`,
 * `ciphers`, `alpn`): this thread's client certificate and policy, checked as they are
 * set (src/tls/client-identity.ts) and carried by each secure TCPConnect and TCPStartTLS.
 * A setting that cannot work gives -1021 with the reason in WebDevGetSecureError(), and
 * leaves the previous one in place.
 */
import { ErrorCode } from '../errors.js';
import { OptionId, type OptionSpec } from '../option-table.js';
import { checkAlpn, checkCiphers, clientTlsWire, setIdentityPart, setPfx, tlsVersionNamed } from '../tls/client-identity.js';
import { threadState } from './thread-state.js';

/** Whether a socket 0 option is one of these (a text one). */
export function isClientTlsOption(option: OptionSpec): boolean {
  return CLIENT_TLS_IDS.has(option.id);
}

const CLIENT_TLS_IDS = new Set<number>([OptionId.cert, OptionId.key, OptionId.passphrase, OptionId.pfx, OptionId.tlsminversion, OptionId.ciphers, OptionId.alpn]);

/** TCPSetOption(0, name, text): 0, -10022 for a value no setting could take, or -1021 with the reason. */
export function setClientTlsOption(option: OptionSpec, value: string): number {
  const settings = threadState.clientTls;
  let problem: string | undefined;
  switch (option.id) {
    case OptionId.cert:
      problem = setIdentityPart(settings, 'cert', value);
      break;
    case OptionId.key:
      problem = setIdentityPart(settings, 'key', value);
      break;
    case OptionId.passphrase:
      problem = settings.pfxSource !== '' ? undefined : setIdentityPart(settings, 'passphrase', value);
      if (settings.pfxSource !== '') settings.passphrase = value; // the pfx is open already; kept for the next one
      break;
    case OptionId.pfx:
      problem = setPfx(settings, value);
      break;
    case OptionId.tlsminversion: {
      const version = tlsVersionNamed(value);
      if (version === undefined) return ErrorCode.InvalidArgument;
      settings.minVersion = version;
      return 0;
    }
    case OptionId.ciphers:
      problem = checkCiphers(value);
      if (problem === undefined) settings.ciphers = value;
      break;
    case OptionId.alpn:
      if (checkAlpn(value) !== undefined) return ErrorCode.InvalidArgument;
      settings.alpn = value;
      return 0;
    default:
      return ErrorCode.InvalidArgument;
  }
  if (problem === undefined) return 0;
  threadState.secureError = problem;
  return ErrorCode.TlsError;
}

/** TCPGetOption(0, name) of these: what was set (a file name, 'pem' or 'pfx' for the certificate and key). */
export function clientTlsOption(option: OptionSpec): string {
  const settings = threadState.clientTls;
  switch (option.id) {
    case OptionId.cert:
      return settings.certSource;
    case OptionId.key:
      return settings.keySource;
    case OptionId.passphrase:
      return settings.passphrase === '' ? '' : '*'; // never read back
    case OptionId.pfx:
      return settings.pfxSource;
    case OptionId.tlsminversion:
      return settings.minVersion;
    case OptionId.ciphers:
      return settings.ciphers;
    default:
      return settings.alpn;
  }
}

/**
 * A secure connect's data area: `first` (the host, or TCPStartTLS's server name), then,
 * when this thread set any of these options, a NUL and their text (neither a host nor a
 * server name may hold a NUL). Returns its length, or -1021 when it does not fit.
 */
export function writeWithClientTls(data: Buffer, first: string, secure: boolean): number {
  const length = data.write(first, 0, 'utf8');
  const wire = secure ? clientTlsWire(threadState.clientTls) : '';
  if (wire === '') return length;
  if (length + 1 + Buffer.byteLength(wire) > data.length) {
    // An awaited call's area holds 64 KiB: a certificate chain that large is refused, not left out.
    threadState.secureError = `the client certificate and settings (${Buffer.byteLength(wire)} bytes) do not fit a request of ${data.length} bytes`;
    return ErrorCode.TlsError;
  }
  data[length] = 0;
  return length + 1 + data.write(wire, length + 1, 'utf8');
}
