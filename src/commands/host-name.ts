/**
 * The one check of a host argument (TCPConnect, TCPName2Addr, TCPAddr2Name, TCPPing, the
 * 'address' option of TCPBind, connectAsync), so that every command answers the same
 * edge cases with the same code:
 *   -511   empty (or only spaces);
 *   -10022 a control character anywhere (NUL included: the resolver would stop at it and
 *          look up a shorter name than the one checked), or longer than a DNS name can
 *          be (253 characters, one trailing dot for the root not counted).
 * Spaces around the name are ignored; '[::1]' is taken as '::1' (URLs write IPv6 so).
 * A host that begins with '/' or '@' is a Unix-domain socket's path or abstract name
 * (src/unix-address.ts): at most 107 bytes (-10022), and '@' alone names nothing (-511).
 */
import { ErrorCode } from '../errors.js';
import { isUnixAddress, UNIX_ADDRESS_MAX_BYTES, unixAddressBytes } from '../unix-address.js';
import type { Rule } from './validate.js';

export const MAX_HOST_NAME_BYTES = 253;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** The bare host to look up or connect to, or an error code. */
export function hostArgument(hostname: string): string | number {
  if (CONTROL_CHARACTER.test(hostname)) return ErrorCode.InvalidArgument;
  const trimmed = hostname.trim();
  if (isUnixAddress(trimmed)) {
    if (trimmed === '@') return ErrorCode.NoAddress;
    return unixAddressBytes(trimmed) > UNIX_ADDRESS_MAX_BYTES ? ErrorCode.InvalidArgument : trimmed;
  }
  const host = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  if (host === '') return ErrorCode.NoAddress;
  const withoutRoot = host.endsWith('.') ? host.slice(0, -1) : host;
  // Characters first: a huge string is refused without encoding it.
  if (withoutRoot.length > MAX_HOST_NAME_BYTES || Buffer.byteLength(withoutRoot) > MAX_HOST_NAME_BYTES) {
    return ErrorCode.InvalidArgument;
  }
  return host;
}

/** The rule of a host argument: a string (-501) that hostArgument accepts. */
export const hostName: Rule = (value) => {
  if (typeof value !== 'string') return ErrorCode.WrongType;
  const host = hostArgument(value);
  return typeof host === 'number' ? host : 0;
};

// 'http://host', 'https://host:8443/path', 'tcp://host': a scheme and '//'.
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * When a host argument is a URL ('http://example.com'), the words that say so: the look-up
 * of such a name fails (-11001) and the code alone does not tell why. Only read when the
 * command failed. undefined: not a URL, or not one that gives a host name.
 */
export function urlHostHint(hostname: unknown): string | undefined {
  if (typeof hostname !== 'string' || !URL_LIKE.test(hostname.trim())) return undefined;
  let url: URL;
  try {
    url = new URL(hostname.trim());
  } catch {
    return `host ${JSON.stringify(hostname)} looks like a URL: give the host name alone`;
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') return `host ${JSON.stringify(hostname)} looks like a URL: give the host name alone`;
  const port = url.port === '' ? '' : ` and the port ${url.port} as the next parameter`;
  return `host ${JSON.stringify(hostname)} looks like a URL: give the host name '${host}'${port}`;
}
