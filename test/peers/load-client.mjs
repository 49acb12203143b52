#!/usr/bin/env node
// A load generator in a process of its own: CONNECTIONS connections opened at once, each
// making REQUESTS request/responses in turn. A request is a 4-byte big-endian length and
// that many random bytes (1..MAX_SIZE); the answer must be the same bytes. Each
// connection hashes what it sent and what came back; a mismatch, a short answer or an
// error counts the connection as failed.
//   node load-client.mjs PORT CONNECTIONS REQUESTS [MAX_SIZE]
// Prints one JSON line: { ok, failed, requests, bytes, seconds, errors: [first few] }.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import net from 'node:net';

const [port, connections, requests] = process.argv.slice(2, 5).map(Number);
const maxSize = Number(process.argv[5] ?? 4096);
const errors = [];
let requestsDone = 0;
let bytes = 0;

function converse() {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let left = requests;
    let expected = 0;
    let settled = false;
    const finish = (ok, why) => {
      if (settled) return;
      settled = true;
      if (!ok && errors.length < 5) errors.push(why);
      socket.destroy();
      resolve(ok);
    };
    const ask = () => {
      const size = randomInt(1, maxSize + 1);
      const payload = randomBytes(size);
      const header = Buffer.alloc(4);
      header.writeUInt32BE(size);
      sent.update(payload);
      expected = size;
      socket.write(Buffer.concat([header, payload]));
    };
    socket.on('connect', ask);
    socket.on('data', (chunk) => {
      if (chunk.length > expected) return finish(false, `${chunk.length - expected} bytes more than asked`);
      received.update(chunk);
      bytes += chunk.length;
      expected -= chunk.length;
      if (expected > 0) return;
      requestsDone++;
      if (--left > 0) return ask();
      const same = sent.digest('hex') === received.digest('hex');
      finish(same, 'answers differ from the requests');
    });
    socket.on('end', () => finish(false, `server closed with ${left} requests to go`));
    socket.on('error', (error) => finish(false, `${error.code ?? error.message} with ${left} requests to go`));
  });
}

const started = performance.now();
const results = await Promise.all(Array.from({ length: connections }, converse));
const seconds = (performance.now() - started) / 1000;
const ok = results.filter(Boolean).length;
console.log(JSON.stringify({ ok, failed: connections - ok, requests: requestsDone, bytes, seconds, errors }));
process.exit(ok === connections ? 0 : 1);
