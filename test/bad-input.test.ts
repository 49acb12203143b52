// Every bad input gets its documented code, never an exception, and the socket it was
// aimed at (and the engine) are unharmed afterwards. The second test takes the commands
// from the package's exports and needs a row for each (helpers/command-rows.ts).
import test from 'ava';
import {
  ErrorCode,
  TCPBlock,
  TCPClose,
  TCPConnect,
  TCPGetMyAddr,
  TCPGetMyPort,
  TCPGetRemoteAddr,
  TCPGetRemotePort,
  TCPReceive,
  TCPSend,
  WebDevSetConfig,
} from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';
import { receiveExactly } from './helpers/receive.js';
import { type Cases, commandRows, exportedCommands } from './helpers/command-rows.js';

// Calls with wrong counts and types on purpose, as untyped legacy code would make them.
type Loose = (...args: unknown[]) => unknown;
const loose = (command: unknown): Loose => command as Loose;

const UNKNOWN_SOCKET = 2_000_000_000;

test('bad input to every command gets its code and loses nothing', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.true(s > 0);
    const closed = TCPConnect('127.0.0.1', peer.port);
    TCPClose(closed);
    const buf = new Uint8Array(8);

    const cases: Array<[string, unknown, number]> = [
      // TCPConnect
      ['connect no args', loose(TCPConnect)(), ErrorCode.WrongCount],
      ['connect one arg', loose(TCPConnect)('127.0.0.1'), ErrorCode.WrongCount],
      ['connect five args', loose(TCPConnect)('127.0.0.1', peer.port, false, true, 1), ErrorCode.WrongCount],
      ['connect numeric host', loose(TCPConnect)(127, peer.port), ErrorCode.WrongType],
      ['connect object port', loose(TCPConnect)('127.0.0.1', {}), ErrorCode.WrongType],
      ['connect NaN port', loose(TCPConnect)('127.0.0.1', NaN), ErrorCode.WrongType],
      ['connect string secure', loose(TCPConnect)('127.0.0.1', peer.port, 'yes'), ErrorCode.WrongType],
      ['connect string verify', loose(TCPConnect)('127.0.0.1', peer.port, false, 'no'), ErrorCode.WrongType],
      ['connect empty host', TCPConnect('', peer.port), ErrorCode.NoAddress],
      ['connect blank host', TCPConnect('   ', peer.port), ErrorCode.NoAddress],
      ['connect port 0', TCPConnect('127.0.0.1', 0), ErrorCode.AddressNotAvailable],
      ["connect port '0'", TCPConnect('127.0.0.1', '0'), ErrorCode.AddressNotAvailable],
      ['connect port 65536', TCPConnect('127.0.0.1', 65536), ErrorCode.InvalidArgument],
      ['connect port -1', TCPConnect('127.0.0.1', -1), ErrorCode.InvalidArgument],
      ['connect port 1.5', TCPConnect('127.0.0.1', 1.5), ErrorCode.InvalidArgument],
      ['connect unknown service', TCPConnect('127.0.0.1', 'no-such-service-here'), ErrorCode.UnknownService],
      ['connect absurd host', TCPConnect('h'.repeat(5000), 80), ErrorCode.InvalidArgument],
      // TCPSend
      ['send one arg', loose(TCPSend)(s), ErrorCode.WrongCount],
      ['send three args', loose(TCPSend)(s, 'x', 1), ErrorCode.WrongCount],
      ['send string socket', loose(TCPSend)(String(s), 'x'), ErrorCode.WrongType],
      ['send number buffer', loose(TCPSend)(s, 123), ErrorCode.WrongType],
      ['send null buffer', loose(TCPSend)(s, null), ErrorCode.WrongType],
      ['send holder of a number', loose(TCPSend)(s, { value: 5 }), ErrorCode.WrongType],
      ['send socket 0', TCPSend(0, 'x'), ErrorCode.InvalidSocket],
      ['send socket -3', TCPSend(-3, 'x'), ErrorCode.InvalidSocket],
      ['send socket 1.5', TCPSend(1.5, 'x'), ErrorCode.InvalidSocket],
      ['send unknown socket', TCPSend(UNKNOWN_SOCKET, 'x'), ErrorCode.InvalidSocket],
      ['send closed socket', TCPSend(closed, 'x'), ErrorCode.InvalidSocket],
      // TCPReceive
      ['receive one arg', loose(TCPReceive)(s), ErrorCode.WrongCount],
      ['receive four args', loose(TCPReceive)(s, buf, 1, 2), ErrorCode.WrongCount],
      ['receive into a string', loose(TCPReceive)(s, 'text'), ErrorCode.WrongType],
      ['receive into {}', loose(TCPReceive)(s, {}), ErrorCode.WrongType],
      ['receive string maxbytes', loose(TCPReceive)(s, buf, 'a'), ErrorCode.WrongType],
      ['receive NaN maxbytes', TCPReceive(s, buf, NaN), ErrorCode.WrongType],
      ['receive maxbytes -1', TCPReceive(s, buf, -1), ErrorCode.InvalidArgument],
      ['receive maxbytes 0', TCPReceive(s, buf, 0), ErrorCode.InvalidArgument],
      ['receive maxbytes 1.5', TCPReceive(s, buf, 1.5), ErrorCode.InvalidArgument],
      ['receive into empty array', TCPReceive(s, new Uint8Array(0)), ErrorCode.InvalidArgument],
      ['receive unknown socket', TCPReceive(UNKNOWN_SOCKET, buf), ErrorCode.InvalidSocket],
      ['receive closed socket', TCPReceive(closed, buf), ErrorCode.InvalidSocket],
      // TCPClose
      ['close no args', loose(TCPClose)(), ErrorCode.WrongCount],
      ['close three args', loose(TCPClose)(s, 0, 1), ErrorCode.WrongCount],
      ['close option 3', TCPClose(s, 3), ErrorCode.InvalidCloseOption],
      ['close option -1', TCPClose(s, -1), ErrorCode.InvalidCloseOption],
      ['close option 0.5', TCPClose(s, 0.5), ErrorCode.InvalidCloseOption],
      ['close string option', loose(TCPClose)(s, 'a'), ErrorCode.WrongType],
      ['close string socket', loose(TCPClose)('a'), ErrorCode.WrongType],
      ['close unknown socket', TCPClose(UNKNOWN_SOCKET), ErrorCode.InvalidSocket],
      ['close closed socket', TCPClose(closed), ErrorCode.InvalidSocket],
      // TCPBlock
      ['block one arg', loose(TCPBlock)(s), ErrorCode.WrongCount],
      ['block string option', loose(TCPBlock)(s, 'x'), ErrorCode.WrongType],
      ['block unknown socket', TCPBlock(UNKNOWN_SOCKET, 1), ErrorCode.InvalidSocket],
      // Addresses and ports
      ['my addr three args', loose(TCPGetMyAddr)(s, false, 1), ErrorCode.WrongCount],
      ['my addr string socket', loose(TCPGetMyAddr)('a'), ErrorCode.WrongType],
      ['my addr string flag', loose(TCPGetMyAddr)(s, 'x'), ErrorCode.WrongType],
      ['my addr unknown socket', TCPGetMyAddr(UNKNOWN_SOCKET), ErrorCode.InvalidSocket],
      ['my port no args', loose(TCPGetMyPort)(), ErrorCode.WrongCount],
      ['my port closed socket', TCPGetMyPort(closed), ErrorCode.InvalidSocket],
      ['remote addr no args', loose(TCPGetRemoteAddr)(), ErrorCode.WrongCount],
      ['remote addr socket 0', TCPGetRemoteAddr(0), ErrorCode.InvalidSocket],
      ['remote port two args', loose(TCPGetRemotePort)(s, 1), ErrorCode.WrongCount],
      // WebDevSetConfig
      ['config three args', loose(WebDevSetConfig)(undefined, 1, 2), ErrorCode.WrongCount],
      ['config number errorproc', loose(WebDevSetConfig)(5), ErrorCode.WrongType],
      ['config string time-out', loose(WebDevSetConfig)(undefined, 'a'), ErrorCode.WrongType],
      ['config negative time-out', WebDevSetConfig(undefined, -1), ErrorCode.InvalidArgument],
      ['config infinite time-out', WebDevSetConfig(undefined, Infinity), ErrorCode.WrongType],
    ];
    for (const [name, result, code] of cases) t.is(result, code, name);

    // Nothing was lost or disturbed: the socket still echoes, in order.
    t.is(TCPSend(s, 'still fine'), 10);
    t.is(Buffer.from(receiveExactly(s, 10)).toString(), 'still fine');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('every exported command has its row: wrong count, wrong type, bad socket, out of range', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.true(s > 0);
    const detached = new Uint8Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const rows = commandRows({ socket: s, unknown: UNKNOWN_SOCKET, buffer: new Uint8Array(8), detached });
    const exported = exportedCommands();
    const missing = exported.filter((name) => !Object.hasOwn(rows, name));
    const gone = Object.keys(rows).filter((name) => !exported.includes(name));
    t.deepEqual({ missing, gone }, { missing: [], gone: [] }, 'a row for each exported command (test/helpers/command-rows.ts), none for one that is gone');
    for (const [command, row] of Object.entries(rows)) {
      const classes: Array<[string, Cases]> = [['count', row.count], ['type', row.type], ['socket', row.socket], ['range', row.range]];
      for (const [name, cases] of classes) {
        if (typeof cases === 'string') continue; // the reason it does not apply
        t.true(cases.length > 0, `${command}: ${name} has cases`);
        for (const [label, call, code] of cases) t.is(await call(), code, `${command} (${name}): ${label}`);
      }
    }
    // Nothing was lost or disturbed: the socket still echoes, in order.
    t.is(TCPSend(s, 'still fine'), 10);
    t.is(Buffer.from(receiveExactly(s, 10)).toString(), 'still fine');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});
