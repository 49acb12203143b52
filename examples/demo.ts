// npm start: a legacy-style client script, end to end against a local echo peer.
//
// The echo peer runs in a child process (a node:net server); the script below is what
// a user ports from Omnis: straight-line calls, each returning a number to test.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  TCPClose,
  TCPConnect,
  TCPErrorText,
  TCPGetRemoteAddr,
  TCPReceive,
  TCPSend,
} from '../src/index.js';

/** Prints a step; an error code other than the one expected fails the demo. */
function step(what: string, result: number | string, expectedError?: number): void {
  const text = typeof result === 'number' && result < 0 ? ` (${TCPErrorText(result)})` : '';
  console.log(`  ${what.padEnd(44)} -> ${String(result)}${text}`);
  if (typeof result === 'number' && result < 0 && result !== expectedError) process.exitCode = 1;
}

const peer = spawn(process.execPath, [new URL('./echo-peer.mjs', import.meta.url).pathname], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const port = Number(await new Promise<string>((resolve) => createInterface({ input: peer.stdout }).once('line', resolve)));
console.log(`echo peer listening on 127.0.0.1:${port}\n`);

// ---- the legacy script ----------------------------------------------------------
const socket = TCPConnect('127.0.0.1', port);
step('TCPConnect(127.0.0.1, port)', socket);
step('TCPGetRemoteAddr(socket)', TCPGetRemoteAddr(socket));
step("TCPSend(socket, 'Hello, Omnis €')", TCPSend(socket, 'Hello, Omnis €'));
const text = { value: '' };
step('TCPReceive(socket, text)', TCPReceive(socket, text));
console.log(`    text = ${JSON.stringify(text.value)}`);
const binary = Uint8Array.of(0, 1, 2, 253, 254, 255);
step('TCPSend(socket, 6 binary bytes)', TCPSend(socket, binary));
const buffer = new Uint8Array(16);
let got = 0;
while (got < binary.length) {
  const n = TCPReceive(socket, buffer.subarray(got));
  if (n <= 0) break;
  got += n;
}
step('TCPReceive(socket, buffer) until 6 bytes', got);
console.log(`    bytes = [${[...buffer.subarray(0, got)].join(', ')}]`);
step('TCPSend(socket, "last words")', TCPSend(socket, 'last words'));
step('TCPClose(socket, 1)  half-close', TCPClose(socket, 1));
const rest = { value: '' };
let tail = '';
for (;;) {
  const n = TCPReceive(socket, rest);
  if (n <= 0) {
    step('TCPReceive(...) after the peer closed', n);
    break;
  }
  tail += rest.value;
}
console.log(`    echoed after half-close = ${JSON.stringify(tail)}`);
step('TCPClose(socket)', TCPClose(socket));
step('TCPSend(socket, "x") on the closed socket', TCPSend(socket, 'x'), -509);
// ------------------------------------------------------------------------------------

peer.stdin.end();
console.log('\ndone');
