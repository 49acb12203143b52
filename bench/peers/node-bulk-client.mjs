// node node-bulk-client.mjs send|receive PORT BYTES: raw node:net bulk transfer against
// bulk_server.py, the idiomatic async way (write with back-pressure / 'data' events);
// prints MiB/s. A process of its own, like the Python client: measured in the bench's own
// process, node:net's receive ran at 200 MiB/s instead of 2-3 GB/s (that process holds
// tsx's loader and our engine and pool threads), which would flatter our ratio.
// With a CA file after BYTES it is node:tls against tls_server.py bulk (the server
// verified against that CA for 127.0.0.1): the send then says its count ("SINK n"), since
// TLS cannot half-close without ending the session.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [mode, portText, bytesText, caFile] = process.argv.slice(2);
const port = Number(portText);
const bytes = Number(bytesText);
const CALL = 64 * 1024;
const MiB = 1024 * 1024;

/** One transfer; resolves with its MiB/s. */
function transfer() {
  return new Promise((resolve, reject) => {
    const done = (start) => resolve(bytes / MiB / ((performance.now() - start) / 1000));

    const socket = caFile
      ? tls.connect({ port, host: '127.0.0.1', ca: readFileSync(caFile) })
      : net.connect({ port, host: '127.0.0.1' });
    socket.once('error', reject);
    socket.once(caFile ? 'secureConnect' : 'connect', () => {
      const start = performance.now();
      if (mode === 'receive') {
        let total = 0;
        socket.write(`SOURCE ${bytes}\n`);
        socket.on('data', (d) => (total += d.length));
        socket.once('end', () => {
          if (total !== bytes) return reject(new Error(`received ${total}`));
          done(start);
          socket.destroy();
        });
        return;
      }
      socket.write(caFile ? `SINK ${bytes}\n` : 'SINK\n');
      const chunk = Buffer.alloc(CALL);
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          sent += CALL;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        if (!caFile) socket.end();
      };
      let answer = '';
      socket.on('data', (d) => {
        answer += d.toString();
        if (!answer.includes('\n')) return;
        if (Number(answer) !== bytes) return reject(new Error(`the sink got ${answer}`));
        done(start);
        socket.destroy();
      });
      pump();
    });
  });
}

// The first transfer warms the JIT and grows the heap, as the bench's warm-up runs do for
// ours; the second is the figure.
try {
  await transfer();
  process.stdout.write(`${await transfer()}\n`);
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
