/**
 * The PROXY protocol header (v1 text and v2 binary, as HAProxy sends it): a pure parser
 * of the bytes a load balancer puts in front of a client's stream, telling who the client
 * is. https://www.haproxy.org/download/2.6/doc/proxy-protocol.txt
 *
 * parseProxyHeader() is called with every byte received so far and answers: complete
 * (the client's address, and how many bytes the header took), incomplete (wait for more),
 * or invalid (never a PROXY header: the connection is refused).
 */
import { isIP } from 'node:net';

/** v2's 12-byte signature: \r\n\r\n\0\r\nQUIT\n. */
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** v1's longest line, CRLF included (the specification's bound). */
const V1_MAX_BYTES = 107;
const V2_FIXED_BYTES = 16;

/** The client as the balancer saw it; absent for LOCAL / UNKNOWN (a health check). */
export interface ProxiedPeer {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

export type ProxyParse =
  | { kind: 'complete'; length: number; peer: ProxiedPeer | undefined }
  | { kind: 'incomplete' }
  | { kind: 'invalid'; reason: string };

const INCOMPLETE: ProxyParse = { kind: 'incomplete' };

function invalid(reason: string): ProxyParse {
  return { kind: 'invalid', reason };
}

/** True while `bytes` are still a prefix of `expected` (or contain all of it). */
function startsLike(bytes: Buffer, expected: Buffer): boolean {
  const n = Math.min(bytes.length, expected.length);
  return bytes.subarray(0, n).equals(expected.subarray(0, n));
}

export function parseProxyHeader(bytes: Buffer): ProxyParse {
  if (bytes.length === 0) return INCOMPLETE;
  if (startsLike(bytes, V2_SIGNATURE)) return bytes.length < V2_FIXED_BYTES ? INCOMPLETE : parseV2(bytes);
  if (startsLike(bytes, V1_PREFIX)) return parseV1(bytes);
  return invalid('no PROXY protocol signature');
}

function parseV1(bytes: Buffer): ProxyParse {
  const end = bytes.indexOf('\r\n', 0, 'latin1');
  if (end < 0) return bytes.length >= V1_MAX_BYTES ? invalid('v1 line longer than 107 bytes') : INCOMPLETE;
  if (end + 2 > V1_MAX_BYTES) return invalid('v1 line longer than 107 bytes');
  const fields = bytes.subarray(0, end).toString('latin1').split(' ');
  const length = end + 2;
  if (fields[1] === 'UNKNOWN') return { kind: 'complete', length, peer: undefined };
  if (fields.length !== 6) return invalid('v1 line without 6 fields');
  const [, protocol, source, , sourcePort] = fields as [string, string, string, string, string, string];
  const family = protocol === 'TCP4' ? 4 : protocol === 'TCP6' ? 6 : 0;
  if (family === 0) return invalid(`v1 protocol ${protocol}`);
  if (isIP(source) !== family || isIP(fields[3]!) !== family) return invalid('v1 address not of its family');
  const port = portOf(sourcePort);
  if (port === undefined || portOf(fields[5]!) === undefined) return invalid('v1 port not 0..65535');
  return { kind: 'complete', length, peer: { address: source, port, family: family === 4 ? 'IPv4' : 'IPv6' } };
}

function portOf(text: string): number | undefined {
  if (!/^(0|[1-9]\d{0,4})$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 65535 ? port : undefined;
}

function parseV2(bytes: Buffer): ProxyParse {
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) return invalid('v2 version not 2');
  const command = versionCommand & 0x0f;
  if (command > 1) return invalid('v2 command neither LOCAL nor PROXY');
  const length = V2_FIXED_BYTES + bytes.readUInt16BE(14);
  if (bytes.length < length) return INCOMPLETE;
  // LOCAL: the balancer's own connection (a health check): the real peer stands.
  if (command === 0) return { kind: 'complete', length, peer: undefined };
  const addressFamily = bytes[13]! >> 4;
  const transport = bytes[13]! & 0x0f;
  const body = bytes.subarray(V2_FIXED_BYTES, length);
  // UNSPEC (0) or a transport other than STREAM (1): the specification says to accept the
  // connection and keep the real addresses.
  if (addressFamily === 0 || transport !== 1) return { kind: 'complete', length, peer: undefined };
  if (addressFamily === 1) {
    if (body.length < 12) return invalid('v2 IPv4 block shorter than 12 bytes');
    const address = [...body.subarray(0, 4)].join('.');
    return { kind: 'complete', length, peer: { address, port: body.readUInt16BE(8), family: 'IPv4' } };
  }
  if (addressFamily === 2) {
    if (body.length < 36) return invalid('v2 IPv6 block shorter than 36 bytes');
    return { kind: 'complete', length, peer: { address: ipv6Text(body.subarray(0, 16)), port: body.readUInt16BE(32), family: 'IPv6' } };
  }
  if (addressFamily === 3) return { kind: 'complete', length, peer: undefined }; // AF_UNIX: no IP to report
  return invalid('v2 address family unknown');
}

/** The compressed text form node uses (::1, 2001:db8::1, ::ffff:1.2.3.4 as ::ffff:102:304). */
function ipv6Text(bytes: Buffer): string {
  if (bytes.subarray(0, 10).every((byte) => byte === 0) && bytes.readUInt16BE(10) === 0xffff) {
    return `::ffff:${[...bytes.subarray(12, 16)].join('.')}`; // IPv4-mapped: reported as the IPv4 address
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // The longest run of two or more zero groups becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  const head = groups.slice(0, bestStart).join(':');
  const tail = groups.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
