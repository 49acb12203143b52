// A DNS A-record look-up (RFC 1035) over a connected datagram socket: the query is built
// with TCPSendData, the answer parsed with TCPReceiveData.
//
//   npx tsx examples/dns-query.ts NAME [SERVER] [PORT]      e.g. example.com 1.1.1.1 53
//
// On a datagram socket one receive takes one whole datagram (what does not fit the
// buffer is discarded), so TCPReceiveData must be given a format exactly as long as the
// answer: TCPAvailable says how long the next datagram is, and the format is built
// from that length. The query is sent again, a bounded number of times, when it does
// not come: UDP may lose a query or its answer.
import { fileURLToPath } from 'node:url';
import { ErrorCode, TCPAvailable, TCPClose, TCPErrorText, TCPReceiveData, TCPSendData, UDPConnect, UDPOpen } from 'tcp-commands';

export interface DnsAnswer {
  /** The response code: 0 no error, 3 no such name, 5 refused (RFC 1035 4.1.1). */
  rcode: number;
  /** The IPv4 addresses of the A records of the answer. */
  addresses: string[];
}

const HEADER = '>6H'; // id, flags, question, answer, authority and additional counts
const QUESTION_END = '2H'; // type, class
// One A record whose name is a pointer to the question's (as every server sends it):
// name pointer, type, class, TTL, data length, the four bytes of the address.
const A_RECORD = 'H H H I H 4B';
const A_RECORD_BYTES = 2 + 2 + 2 + 4 + 2 + 4;
const TYPE_A = 1;
const CLASS_IN = 1;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** A name as DNS labels: each preceded by its length; the NUL that ends it is TCPSendData's `z`. */
function labels(name: string): string {
  return name
    .replace(/\.$/, '')
    .split('.')
    .map((label) => {
      if (label.length === 0 || label.length > 63 || !/^[\x21-\x7e]+$/.test(label)) throw new Error(`not a DNS name: ${name}`);
      return String.fromCharCode(label.length) + label;
    })
    .join('');
}

/** The length of the next datagram, once one has come; 0 after `ms` (datagram sockets have no blocking peek). */
function nextDatagramLength(socket: number, ms: number): number {
  const deadline = Date.now() + ms;
  for (;;) {
    const length = TCPAvailable(socket);
    if (length !== 0 || Date.now() >= deadline) return Math.max(length, 0);
    Atomics.wait(pause, 0, 0, 5);
  }
}

/**
 * Asks `server` for the A records of `name`. Resolves nothing itself: a negative number
 * is the error code of the command that failed (-522: no answer after `tries` queries).
 */
export function dnsQuery(name: string, server = '127.0.0.1', port = 53, timeoutMs = 1_000, tries = 3): DnsAnswer | number {
  const socket = UDPOpen(server.includes(':') ? '::' : '');
  if (socket < 0) return socket;
  try {
    const connected = UDPConnect(socket, server, port); // only the server's datagrams are received from now on
    if (connected < 0) return connected;
    const qname = labels(name);
    const id = Math.floor(Math.random() * 0x10000);
    for (let attempt = 0; attempt < tries; attempt++) {
      // id, flags (RD: recursion desired), 1 question; the name as labels, NUL-terminated; type A, class IN.
      const sent = TCPSendData(socket, `${HEADER} z ${QUESTION_END}`, [id, 0x0100, 1, 0, 0, 0, qname, TYPE_A, CLASS_IN]);
      if (sent < 0) return sent;
      const length = nextDatagramLength(socket, timeoutMs);
      if (length === 0) continue; // lost, or the server is slow: ask again
      const answer = parseAnswer(socket, length, qname.length + 1, id);
      if (answer === undefined) continue; // an answer to another query (an old id): ask again
      return answer;
    }
    return ErrorCode.TimedOut;
  } finally {
    TCPClose(socket);
  }
}

/**
 * The answer datagram of `length` bytes, read by one TCPReceiveData: the header, the
 * question echoed back, then as many A records as fill the rest. A rest of another shape
 * (other record types, uncompressed names) is read as raw bytes and its addresses left out.
 */
function parseAnswer(socket: number, length: number, qnameBytes: number, id: number): DnsAnswer | undefined {
  const rest = length - 12 - qnameBytes - 4;
  const records = rest >= 0 && rest % A_RECORD_BYTES === 0 ? rest / A_RECORD_BYTES : -1;
  const answers = records >= 0 ? Array(records).fill(A_RECORD).join(' ') : `${rest}r`;
  const format = `${HEADER} ${qnameBytes}r ${QUESTION_END} ${answers}`.trim();
  const values = TCPReceiveData(socket, format);
  if (!Array.isArray(values)) return undefined;
  const [answerId, flags] = values as number[];
  if (answerId !== id) return undefined;
  const addresses: string[] = [];
  if (records > 0) {
    const fields = values.slice(9) as number[];
    for (let i = 0; i < records; i++) {
      const [, type, , , dataLength, ...octets] = fields.slice(i * 9, i * 9 + 9);
      if (type === TYPE_A && dataLength === 4) addresses.push(octets.join('.'));
    }
  }
  return { rcode: flags! & 0x0f, addresses };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [name = 'example.com', server = '127.0.0.1', port = '53'] = process.argv.slice(2);
  const answer = dnsQuery(name, server, Number(port));
  if (typeof answer === 'number') {
    console.error(`no answer: ${TCPErrorText(answer)}`);
    process.exit(1);
  }
  console.log(answer.rcode === 0 ? `${name}: ${answer.addresses.join(' ') || '(no A record)'}` : `${name}: response code ${answer.rcode}`);
}
