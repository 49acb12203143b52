// A Redis client in RESP (https://redis.io/docs/reference/protocol-spec/), written with
// the commands: a request goes as one gathered TCPSend (a 1 MiB value is never copied
// into a joined array), a reply's first line comes by TCPReceiveUntil, a bulk value by
// TCPReceiveFull.
//
//   npx tsx examples/redis-client.ts HOST PORT
//   npx tsx examples/redis-client.ts /run/redis/redis.sock      (redis-server's unixsocket: no port)
import { createHash } from 'node:crypto';
import { TCPClose, TCPConnect, TCPErrorText, TCPReceiveFull, TCPReceiveUntil, TCPSend } from 'tcp-commands';

const [host = '127.0.0.1', port = '6379'] = process.argv.slice(2);

function fail(what: string, code: number): never {
  console.error(`${what}: ${TCPErrorText(code)}`);
  process.exit(1);
}

/** A command as RESP: an array of bulk strings, each part sent as it is. */
function request(socket: number, ...args: Array<string | Uint8Array>): void {
  const parts: Array<string | Uint8Array> = [`*${args.length}\r\n`];
  for (const arg of args) {
    const length = typeof arg === 'string' ? Buffer.byteLength(arg) : arg.length;
    parts.push(`$${length}\r\n`, arg, '\r\n');
  }
  const sent = TCPSend(socket, parts);
  if (sent < 0) fail('send', sent);
}

/** A reply: a simple string, an error, an integer, or a bulk value (undefined for none). */
function reply(socket: number): string | number | Uint8Array | undefined {
  const line = { value: '' };
  const n = TCPReceiveUntil(socket, line, '\r\n', 1024);
  if (n <= 0) fail('reply', n === 0 ? -10054 : n);
  const kind = line.value[0];
  const rest = line.value.slice(1, -2);
  if (kind === '+') return rest;
  if (kind === '-') throw new Error(`redis: ${rest}`);
  if (kind === ':') return Number(rest);
  if (kind !== '$') throw new Error(`unexpected reply ${line.value}`);
  const length = Number(rest);
  if (length < 0) return undefined;
  const value = new Uint8Array(length + 2); // the value and its CRLF
  const got = TCPReceiveFull(socket, value, length + 2);
  if (got !== length + 2) fail('bulk value cut short', got < 0 ? got : -10054);
  return value.subarray(0, length);
}

// A host beginning with '/' (or '@') is a Unix-domain socket, which has no port.
const socket = host.startsWith('/') || host.startsWith('@') ? TCPConnect(host) : TCPConnect(host, Number(port));
if (socket < 0) fail('cannot connect', socket);
const value = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
request(socket, 'SET', 'tcp-commands:example', value);
console.log(`SET: ${String(reply(socket))}`);
request(socket, 'GET', 'tcp-commands:example');
const back = reply(socket) as Uint8Array;
const same = createHash('sha256').update(back).digest('hex') === createHash('sha256').update(value).digest('hex');
console.log(`GET: ${back.length} bytes, ${same ? 'the same' : 'DIFFERENT'}`);
request(socket, 'DEL', 'tcp-commands:example');
console.log(`DEL: ${String(reply(socket))}`);
request(socket, 'GET', 'tcp-commands:example');
console.log(`GET: ${String(reply(socket))}`);
TCPClose(socket);
