// An HTTP/1.1 client on one kept-alive connection, the way a protocol is written with the
// commands: the status line and headers read with TCPReceiveUntil, the body by its
// Content-Length (TCPReceiveFull) or by chunks (a size line, the chunk, its CRLF).
// Nothing past a response is read, so the next response on the connection starts whole.
//
//   npx tsx examples/http11-client.ts http://127.0.0.1:8000/first /second ...
import { TCPClose, TCPConnect, TCPErrorText, TCPReceiveFull, TCPReceiveUntil, TCPSend, WebDevGetSecureError } from 'tcp-commands';

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:8000/');
const paths = [`${url.pathname}${url.search}`, ...process.argv.slice(3)];
const secure = url.protocol === 'https:';
const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);

function fail(what: string, code: number): never {
  console.error(`${what}: ${code === -1021 ? WebDevGetSecureError() : TCPErrorText(code)}`);
  process.exit(1);
}

/** One line without its CRLF (headers are ISO-8859-1 text by RFC 9110). */
function readLine(socket: number): string {
  const line = new Uint8Array(8192);
  const n = TCPReceiveUntil(socket, line, '\r\n');
  if (n <= 0) fail('connection ended in the headers', n);
  if (line[n - 1] !== 0x0a) fail('header line longer than 8 KiB', -10022);
  return Buffer.from(line.subarray(0, n - 2)).toString('latin1');
}

function readExactly(socket: number, count: number): Uint8Array {
  const body = new Uint8Array(count);
  const n = count === 0 ? 0 : TCPReceiveFull(socket, body, count);
  if (n !== count) fail(`body cut short (${n} of ${count} bytes)`, n < 0 ? n : -10054);
  return body;
}

/** A chunked body: "<hex size>[;ext]\r\n" + chunk + "\r\n", ..., "0\r\n", trailers, "\r\n". */
function readChunked(socket: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const size = Number.parseInt(readLine(socket).split(';')[0]!, 16);
    if (Number.isNaN(size)) fail('bad chunk size', -10022);
    if (size === 0) break;
    chunks.push(readExactly(socket, size));
    readExactly(socket, 2); // the CRLF after the chunk
  }
  while (readLine(socket) !== ''); // trailers, up to the empty line
  return chunks;
}

const socket = TCPConnect(url.hostname, port, secure);
if (socket < 0) fail('cannot connect', socket);
for (const path of paths) {
  TCPSend(socket, [`GET ${path} HTTP/1.1\r\n`, `Host: ${url.host}\r\n`, 'User-Agent: tcp-commands\r\n\r\n']);
  const status = readLine(socket);
  const headers = new Map<string, string>();
  for (let line = readLine(socket); line !== ''; line = readLine(socket)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const chunked = /chunked/i.test(headers.get('transfer-encoding') ?? '');
  const body = chunked ? readChunked(socket) : [readExactly(socket, Number(headers.get('content-length') ?? 0))];
  const bytes = Buffer.concat(body);
  console.log(`${path}: ${status}`);
  console.log(`  ${bytes.length} bytes by ${chunked ? `${body.length} chunks` : 'Content-Length'}: ${bytes.toString('utf8')}`);
}
TCPClose(socket);
