#!/usr/bin/env node
// Hostile TLS clients in a process of their own, against a TLS listener on 127.0.0.1:
//   node tls-attacker.mjs PORT MODE COUNT [SECONDS]
// MODE close: COUNT clients at a time connect and close (FIN) before any ClientHello;
//   each one closed is replaced at once, for SECONDS (default: one wave only).
// MODE reset: the same, ending with an RST instead of a FIN.
// MODE stall: COUNT clients connect and send the first half of a ClientHello, then
//   stall; one the server drops is replaced at once (renewing the attack) for SECONDS
//   (default: one wave, never replaced).
// MODE hello: as stall, but with a whole ClientHello (a real one, recorded from node:tls
//   at start), then nothing: the server answers it and waits for the client's next flight.
// Prints 'ready' once each of the first COUNT clients has connected (and sent what it sends)
// or been refused or reset before its connect was seen (a loaded machine), then, at the
// end, one JSON line { connections, droppedByServer }. Stops itself after SECONDS (one
// wave: after 120 s at most, or when stdin closes).
import net from 'node:net';
import tls from 'node:tls';

const [port, mode, count] = [Number(process.argv[2]), process.argv[3], Number(process.argv[4])];
const seconds = process.argv[5] === undefined ? undefined : Number(process.argv[5]);
const renew = seconds !== undefined;
const deadline = Date.now() + (seconds ?? 120) * 1000;
// A TLS record header (handshake, TLS 1.0 record version, 512 bytes announced) and the
// start of a ClientHello: the server waits for the remaining bytes that never come.
const HALF_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

/** A real ClientHello: what node:tls sends first, recorded on a throwaway local server. */
async function recordClientHello() {
  const recorder = net.createServer();
  await new Promise((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  const hello = new Promise((resolve) => recorder.once('connection', (socket) => socket.once('data', resolve)));
  const client = tls.connect({ port: recorder.address().port, host: '127.0.0.1', servername: 'localhost' });
  client.on('error', () => {});
  const bytes = await hello;
  client.destroy();
  recorder.close();
  return bytes;
}
const FULL_HELLO = mode === 'hello' ? await recordClientHello() : undefined;

let connections = 0;
let droppedByServer = 0;
let firstWaveSettled = 0;
const live = new Set();

function attacker(firstWave = false) {
  if (Date.now() >= deadline) return;
  let settled = !firstWave;
  const settle = () => {
    if (settled) return;
    settled = true;
    if (++firstWaveSettled === count) process.stdout.write('ready\n');
  };
  const socket = net.connect({ port, host: '127.0.0.1' });
  live.add(socket);
  let ours = false;
  socket.on('error', () => {});
  socket.once('connect', () => {
    connections++;
    if (mode === 'stall' || mode === 'hello') {
      socket.write(mode === 'stall' ? HALF_HELLO : FULL_HELLO);
    } else {
      ours = true;
      if (mode === 'reset') socket.resetAndDestroy();
      else socket.end();
    }
    settle();
  });
  // A FIN from the server: answer it (our side of a closed connection must not linger).
  socket.on('end', () => socket.end());
  socket.once('close', () => {
    settle();
    live.delete(socket);
    if (!ours) droppedByServer++;
    if (renew) setImmediate(attacker);
  });
}

for (let i = 0; i < count; i++) attacker(true);

function finish() {
  for (const socket of live) socket.destroy();
  process.stdout.write(`${JSON.stringify({ connections, droppedByServer })}\n`);
  process.exit(0);
}
setTimeout(finish, Math.max(0, deadline - Date.now()));
process.stdin.on('end', finish);
process.stdin.resume();
