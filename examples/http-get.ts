// A plain HTTP/1.0 GET client, the way a legacy script writes it: connect, send the
// request, read until the server closes, split headers from body.
//
//   npx tsx examples/http-get.ts http://127.0.0.1:8000/path
import {
  TCPClose,
  TCPConnect,
  TCPErrorText,
  TCPReceive,
  TCPSend,
  WebDevGetSecureError,
  WebDevSetConfig,
} from 'tcp-commands';

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:8000/');
const secure = url.protocol === 'https:';
const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);

WebDevSetConfig(undefined, 10); // give up connecting after 10 s
const socket = TCPConnect(url.hostname, port, secure);
if (socket < 0) {
  console.error(`cannot connect: ${socket === -1021 ? WebDevGetSecureError() : TCPErrorText(socket)}`);
  process.exit(1);
}
TCPSend(socket, `GET ${url.pathname}${url.search} HTTP/1.0\r\nHost: ${url.host}\r\nUser-Agent: tcp-commands\r\n\r\n`);

const chunk = new Uint8Array(64 * 1024);
const parts: Uint8Array[] = [];
let status: number;
while ((status = TCPReceive(socket, chunk)) > 0) parts.push(chunk.slice(0, status));
TCPClose(socket);
if (status < 0) {
  console.error(`receive failed: ${TCPErrorText(status)}`);
  process.exit(1);
}
const response = Buffer.concat(parts);
const headerEnd = response.indexOf('\r\n\r\n');
const head = response.subarray(0, headerEnd).toString('latin1').split('\r\n');
console.log(head[0]); // the status line
for (const header of head.slice(1)) console.log(`  ${header}`);
console.log(`\n${response.length - headerEnd - 4} bytes of body:`);
process.stdout.write(response.subarray(headerEnd + 4));
