// serve() request handler for HTTP/1.1 with keep-alive: curl, ab and browsers can use it.
//   tcpcmd serve --handler examples/handlers/http-keepalive.ts --port 8080
//   curl -v http://127.0.0.1:8080/hello http://127.0.0.1:8080/again   (one connection, two requests)
//
// `request` is called when a connection has bytes to read, on whichever pool thread is
// free; between requests the connection waits in the engine, holding no thread, so
// thousands of keep-alive clients share a few threads. The handler reads whole requests
// (head, then a Content-Length body) and returns at a request boundary: it answers every
// complete request it has read (a pipelining client sends several at once) and, if its
// last read ended inside one, reads on until that request is complete.
//
// Time-outs: a client that stops in the middle of a request makes TCPReceive give -522
// after serve()'s `timeout` (30 s by default): the handler answers 408 and closes. Idle
// keep-alive connections are closed by the engine after `idleTimeout` (60 s by default).
import { TCPClose, TCPReceive, TCPSend, type Peer } from 'tcp-commands';

const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD_BYTES = 16 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;

interface Parsed {
  method: string;
  target: string;
  keepAlive: boolean;
  body: Buffer;
  /** Bytes of the input this request took. */
  end: number;
}

/** The request at the start of `input`; undefined: incomplete; a string: what is wrong with it. */
function parseRequest(input: Buffer): Parsed | undefined | string {
  const headEnd = input.indexOf(HEAD_END);
  if (headEnd < 0) return input.length > MAX_HEAD_BYTES ? '431 Request Header Fields Too Large' : undefined;
  const [requestLine = '', ...fields] = input.subarray(0, headEnd).toString('latin1').split('\r\n');
  const [method = '', target = '', version = ''] = requestLine.split(' ');
  if (!/^HTTP\/1\.[01]$/.test(version)) return '400 Bad Request';
  const headers = new Map<string, string>();
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon > 0) headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
  }
  if (headers.has('transfer-encoding')) return '501 Not Implemented'; // chunked bodies: not in this example
  const length = Number(headers.get('content-length') ?? '0');
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) return '413 Content Too Large';
  const bodyStart = headEnd + HEAD_END.length;
  if (input.length < bodyStart + length) return undefined;
  const connection = (headers.get('connection') ?? '').toLowerCase();
  const keepAlive = version === 'HTTP/1.1' ? connection !== 'close' : connection === 'keep-alive';
  return { method, target, keepAlive, body: input.subarray(bodyStart, bodyStart + length), end: bodyStart + length };
}

function response(status: string, body: string, keepAlive: boolean): Buffer {
  const bytes = Buffer.from(body);
  const head =
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${bytes.length}\r\n` +
    `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

function answer(request: Parsed, peer: Peer): string {
  if (request.method === 'POST') return `got ${request.body.length} bytes\n`;
  return `hello from tcp-commands: ${request.method} ${request.target} (you are ${peer.address}:${peer.port})\n`;
}

export function request(socket: number, peer: Peer): void {
  const chunk = new Uint8Array(64 * 1024);
  let input = Buffer.alloc(0);
  for (;;) {
    const n = TCPReceive(socket, chunk);
    if (n <= 0) {
      // The client left mid-request (0), an error, or the time-out (-522): say so if we can.
      if (n === -522) TCPSend(socket, response('408 Request Timeout', 'request timed out\n', false));
      TCPClose(socket);
      return;
    }
    input = input.length === 0 ? Buffer.from(chunk.subarray(0, n)) : Buffer.concat([input, chunk.subarray(0, n)]);
    const replies: Buffer[] = [];
    let close = false;
    for (;;) {
      const parsed = parseRequest(input);
      if (parsed === undefined) break;
      if (typeof parsed === 'string') {
        replies.push(response(parsed, `${parsed}\n`, false));
        close = true;
        break;
      }
      replies.push(response('200 OK', answer(parsed, peer), parsed.keepAlive));
      input = input.subarray(parsed.end);
      if (!parsed.keepAlive) {
        close = true;
        break;
      }
    }
    if (replies.length > 0 && TCPSend(socket, Buffer.concat(replies)) < 0) close = true;
    if (close) {
      TCPClose(socket);
      return;
    }
    if (input.length === 0) return; // at a request boundary: the connection goes back to the engine
  }
}
