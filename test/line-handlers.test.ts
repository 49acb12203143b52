// The line-protocol examples (issue 29): both read their lines with TCPReceiveUntil and
// stand alone (no examples/lib import), so a user can copy either into a project. Real
// clients in Python: lines sent in pieces, several at once, and one split inside a
// UTF-8 character must each be answered once, whole.
import anyTest from 'ava';
import { readFileSync } from 'node:fs';
import { serve } from '../src/index.js';
import { run } from './helpers/run.js';

const test = anyTest.serial; // real threads and a Python peer each: one at a time on 2 cores

const example = (name: string): URL => new URL(`../examples/handlers/${name}`, import.meta.url);

/** A Python client: sends each chunk after a pause (so they arrive apart), prints every line until the server closes. */
async function python(port: number, chunks: string[]): Promise<string[]> {
  const result = await run('python3', ['-c', `
import socket, sys, time, json
s = socket.create_connection(('127.0.0.1', ${port}), timeout=30)
for chunk in json.loads(sys.argv[1]):
    s.sendall(chunk.encode('latin1'))
    time.sleep(0.05)
data = b''
while True:
    part = s.recv(4096)
    if not part: break
    data += part
sys.stdout.write(data.decode('utf-8'))
`, JSON.stringify(chunks)]).done;
  if (result.code !== 0) throw new Error(result.stderr);
  return result.stdout.split('\r\n').filter((line) => line !== '');
}

/** 'é' as UTF-8 bytes, in latin1 so that Python can send half of it. */
const eAcute = Buffer.from('é').toString('latin1');

test('line-requests.ts: a request handler built on TCPReceiveUntil answers lines in pieces, pipelined and split in a character', async (t) => {
  const server = await serve({ handler: example('line-requests.ts'), port: 0, address: '127.0.0.1', threads: 2 });
  try {
    const lines = await python(server.port, [
      'ECHO h', `${eAcute[0]}`, `${eAcute[1]}llo\r\n`, // one line in three pieces, the middle half a character
      'ECHO one\nECHO two\nTIME\n', // three at once: each answered, none waits for more bytes
      'NOPE\r\n',
      'QUIT\n',
    ]);
    t.is(lines.length, 6, lines.join('|'));
    t.deepEqual(lines.slice(0, 3), ['+OK héllo', '+OK one', '+OK two']);
    t.regex(lines[3]!, /^\+OK \d{4}-\d\d-\d\dT/);
    t.deepEqual(lines.slice(4), ['-ERR unknown command', '+OK bye']);
    t.like(server.stats(), { failed: 0 });
  } finally {
    await server.close();
  }
});

test('line-protocol.ts: the connection handler reads with TCPReceiveUntil too', async (t) => {
  const server = await serve({ handler: example('line-protocol.ts'), port: 0, address: '127.0.0.1', threads: 1 });
  try {
    const lines = await python(server.port, ['HELLO\r\nADD 1 2', ' 3\r\n', `UPPER ${eAcute}t${eAcute}\r\n`, 'QUIT\r\n']);
    t.deepEqual(lines, ['+OK tcp-commands line server', '+OK 6', '+OK ÉTÉ', '+OK bye']);
  } finally {
    await server.close();
  }
});

test('the handlers and clients a user copies import nothing but tcp-commands and node', (t) => {
  for (const file of ['handlers/line-requests.ts', 'handlers/line-protocol.ts', 'handlers/echo.ts', 'handlers/http-keepalive.ts', 'handlers/resp.ts', 'handlers/udp-echo.ts', 'clients/line-client.ts', 'clients/echo-once.ts']) {
    const source = readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    t.deepEqual(imports.filter((name) => name !== 'tcp-commands' && !name.startsWith('node:')), [], file);
  }
});
