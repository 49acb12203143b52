// Sends one mail over SMTP with STARTTLS (RFC 3207), as on port 587: greeting, EHLO, and
// once the server offers it, STARTTLS, then the handshake on the same connection
// (TCPStartTLS verifies the server against the trust store, certs/cacerts or
// $TCP_COMMANDS_CACERTS), then EHLO again and the mail, all encrypted.
//
//   npx tsx examples/smtp-starttls.ts HOST PORT FROM TO [SUBJECT]
import {
  TCPClose,
  TCPConnect,
  TCPErrorText,
  TCPReceiveUntil,
  TCPSend,
  TCPStartTLS,
  WebDevGetSecureError,
  WebDevSetConfig,
} from 'tcp-commands';

const [host = 'localhost', port = '587', from = 'me@example.com', to = 'you@example.com', subject = 'Hello'] = process.argv.slice(2);

function fail(what: string, code: number): never {
  console.error(`${what}: ${code === -1021 ? WebDevGetSecureError() : TCPErrorText(code)}`);
  process.exit(1);
}

/** One reply, all its lines ("250-..." go on, "250 ..." ends it): its code and its text. */
function reply(socket: number): { code: number; text: string } {
  let text = '';
  const line = { value: '' };
  for (;;) {
    const n = TCPReceiveUntil(socket, line, '\r\n', 1024);
    if (n <= 0) fail('the server closed the connection', n === 0 ? -10054 : n);
    text += line.value;
    if (line.value.length >= 4 && line.value[3] !== '-') return { code: Number(line.value.slice(0, 3)), text };
  }
}

/** Sends a command and checks its reply's code. */
function command(socket: number, line: string, expected: number): string {
  const sent = TCPSend(socket, [line, '\r\n']);
  if (sent < 0) fail(`sending ${line.split(' ')[0]}`, sent);
  const answer = reply(socket);
  if (answer.code !== expected) {
    console.error(`${line.split(' ')[0]}: expected ${expected}, got ${answer.text.trim()}`);
    process.exit(2);
  }
  return answer.text;
}

WebDevSetConfig(undefined, 20); // connect and handshake within 20 s
const socket = TCPConnect(host, Number(port));
if (socket < 0) fail('cannot connect', socket);
if (reply(socket).code !== 220) fail('no greeting', -10054);
const offers = command(socket, 'EHLO client.example', 250);
if (!/^250[- ]STARTTLS\r$/im.test(offers)) {
  console.error('the server does not offer STARTTLS: not sending the mail in clear text');
  process.exit(2);
}
command(socket, 'STARTTLS', 220);
const secured = TCPStartTLS(socket); // verify = true: the server's certificate must name `host`
if (secured !== 0) fail('TLS handshake', secured);
command(socket, 'EHLO client.example', 250); // RFC 3207: forget what was said in clear text
command(socket, `MAIL FROM:<${from}>`, 250);
command(socket, `RCPT TO:<${to}>`, 250);
command(socket, 'DATA', 354);
const body = `From: <${from}>\r\nTo: <${to}>\r\nSubject: ${subject}\r\n\r\nSent over STARTTLS by tcp-commands.\r\n`;
// A line starting with "." is sent as ".." (dot-stuffing); "." alone ends the data.
command(socket, `${body.replace(/^\./gm, '..')}.`, 250);
command(socket, 'QUIT', 221);
TCPClose(socket);
console.log(`mail from ${from} to ${to} sent over TLS`);
