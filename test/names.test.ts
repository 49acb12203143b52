// Host names, ports and time-outs at their edges: one check each, the same code from
// every command (src/commands/host-name.ts, services.ts, socket-options.ts).
import test from 'ava';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  connectAsync,
  ErrorCode,
  TCPAddr2Name,
  TCPBind,
  TCPClose,
  TCPConnect,
  TCPName2Addr,
  TCPPing,
  TCPSetOption,
  TCPSocket,
} from '../src/index.js';

const CONTROL_NAMES = ['127.0.0.1\0.example.com', 'localhost\0x', 'local\nhost', '\t127.0.0.1', 'localhost\r', 'a\u007fb', '127.0.0.1\u0085'];

test('a host name with a NUL or any control character is -10022 for every command', async (t) => {
  // A listener on 127.0.0.1: a name cut at its NUL would connect to it.
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    for (const name of CONTROL_NAMES) {
      const shown = JSON.stringify(name);
      t.is(TCPConnect(name, port), ErrorCode.InvalidArgument, `TCPConnect ${shown}`);
      t.is(await connectAsync(name, port), ErrorCode.InvalidArgument, `connectAsync ${shown}`);
      t.is(TCPName2Addr(name), ErrorCode.InvalidArgument, `TCPName2Addr ${shown}`);
      t.is(TCPAddr2Name(name), ErrorCode.InvalidArgument, `TCPAddr2Name ${shown}`);
      t.is(TCPPing(name, 56, 1000), ErrorCode.InvalidArgument, `TCPPing ${shown}`);
      const s = TCPSocket();
      t.is(TCPSetOption(s, 'address', name), ErrorCode.InvalidArgument, `address option ${shown}`);
      t.is(TCPClose(s), 0);
    }
  } finally {
    server.close();
  }
});

test('names longer than DNS allows are -10022 whatever their length; 253 characters are looked up', (t) => {
  for (const length of [254, 300, 5000, 100_000]) {
    const name = 'h'.repeat(length);
    t.is(TCPConnect(name, 80), ErrorCode.InvalidArgument, `TCPConnect, ${length}`);
    t.is(TCPName2Addr(name), ErrorCode.InvalidArgument, `TCPName2Addr, ${length}`);
    t.is(TCPPing(name, 56, 1000), ErrorCode.InvalidArgument, `TCPPing, ${length}`);
  }
  // 253 characters in labels of at most 63: a legal name, which does not exist.
  const legal = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
  t.is(legal.length, 253);
  const answer = TCPName2Addr(`${legal}.invalid`.slice(-253));
  t.true(answer === ErrorCode.HostNotFound || answer === ErrorCode.TryAgain, `looked up: ${String(answer)}`);
});

test('ports with spaces or a sign are -10022 in every form; digits and service names still work', async (t) => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    for (const form of [` ${port}`, `${port} `, `+${port}`, `-${port}`, `${port}\0`, '', ' ', `\t${port}`]) {
      t.is(TCPConnect('127.0.0.1', form), ErrorCode.InvalidArgument, `TCPConnect port ${JSON.stringify(form)}`);
      const s = TCPSocket();
      t.is(TCPBind(s, form), ErrorCode.InvalidArgument, `TCPBind port ${JSON.stringify(form)}`);
      t.is(TCPClose(s), 0);
    }
    const s = TCPConnect('127.0.0.1', String(port));
    t.true(s > 0, 'a numeric string');
    t.is(TCPClose(s), 0);
    t.is(TCPConnect('127.0.0.1', 'no-such-service-here'), ErrorCode.UnknownService);
  } finally {
    server.close();
  }
});

test("a time-out is 'infinite' (any case) or a number; ' infinite' is -10022", (t) => {
  const s = TCPSocket();
  t.is(TCPSetOption(s, 'timeout', 'infinite'), 0);
  t.is(TCPSetOption(s, 'timeout', 'INFINITE'), 0);
  for (const form of [' infinite', 'infinite ', '\tinfinite', 'infinite\0']) {
    t.is(TCPSetOption(s, 'timeout', form), ErrorCode.InvalidArgument, JSON.stringify(form));
  }
  t.is(TCPClose(s), 0);
});
