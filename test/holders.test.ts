// No command throws for the buffer or holder it is given, and a holder that cannot take
// the bytes is refused BEFORE they are taken from the engine: they stay for the next read.
import test from 'ava';
import {
  ErrorCode,
  sendAsync,
  TCPAvailable,
  TCPClose,
  TCPConnect,
  TCPReceive,
  TCPReceiveFull,
  TCPSend,
  TCPSendData,
} from '../src/index.js';
import { startPythonPeer } from './helpers/peers.js';

/** The command's result, or 'threw' (what no command may do). */
function outcome(call: () => unknown): unknown {
  try {
    return call();
  } catch (error) {
    return `threw ${String(error)}`;
  }
}

/** A view whose buffer was transferred away (detached). */
function detached<T extends ArrayBufferView>(view: T): T {
  structuredClone(view.buffer, { transfer: [view.buffer as ArrayBuffer] });
  return view;
}

function detachedBytes(): Uint8Array {
  return detached(new Uint8Array(16));
}

function badHolders(): Array<[string, unknown]> {
  const throwingSetter = {};
  Object.defineProperty(throwingSetter, 'value', {
    get: () => '',
    set: () => {
      throw new Error('no');
    },
  });
  const readOnly = Object.defineProperty({}, 'value', { value: '', writable: false, enumerable: true });
  const getterOnly = Object.defineProperty({}, 'value', { get: () => new Uint8Array(0) });
  return [
    ['frozen', Object.freeze({ value: '' })],
    ['frozen binary', Object.freeze({ value: new Uint8Array(0) })],
    ['a throwing setter', throwingSetter],
    ['sealed, read-only', Object.seal(readOnly)],
    ['a getter without setter', getterOnly],
  ];
}

async function waitForAvailable(socket: number, count: number): Promise<void> {
  for (let i = 0; i < 500 && TCPAvailable(socket) < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('TCPReceive and TCPReceiveFull refuse a holder they cannot write, and the bytes stay', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(TCPSend(s, 'abc'), 3);
    await waitForAvailable(s, 3);
    t.is(TCPAvailable(s), 3);
    for (const [what, holder] of badHolders()) {
      t.is(outcome(() => TCPReceive(s, holder as { value: string })), ErrorCode.InvalidArgument, `TCPReceive, ${what}`);
      t.is(outcome(() => TCPReceiveFull(s, holder as { value: string }, 3)), ErrorCode.InvalidArgument, `TCPReceiveFull, ${what}`);
      t.is(TCPAvailable(s), 3, `nothing taken (${what})`);
    }
    const gone = detachedBytes();
    t.is(outcome(() => TCPReceive(s, gone)), ErrorCode.InvalidArgument, 'TCPReceive into a detached view');
    t.is(outcome(() => TCPReceiveFull(s, gone, 3)), ErrorCode.InvalidArgument, 'TCPReceiveFull into a detached view');
    t.is(outcome(() => TCPReceive(s, detached(new Float64Array(4)))), ErrorCode.InvalidArgument);
    const good = { value: '' };
    t.is(TCPReceive(s, good), 3);
    t.is(good.value, 'abc', 'the bytes went to the next read');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});

test('sends of a detached buffer give -10022, as a receive into one does; a throwing holder getter -501', async (t) => {
  const peer = await startPythonPeer('echo');
  try {
    const s = TCPConnect('127.0.0.1', peer.port);
    t.is(outcome(() => TCPSend(s, detachedBytes())), ErrorCode.InvalidArgument);
    t.is(outcome(() => TCPSend(s, detached(new DataView(new ArrayBuffer(8))))), ErrorCode.InvalidArgument);
    t.is(outcome(() => TCPSend(s, { value: detachedBytes() })), ErrorCode.InvalidArgument);
    const throwingGetter = Object.defineProperty({}, 'value', {
      get: () => {
        throw new Error('no');
      },
    });
    t.is(outcome(() => TCPSend(s, throwingGetter as { value: string })), ErrorCode.WrongType);
    t.is(outcome(() => TCPReceive(s, throwingGetter as { value: string })), ErrorCode.WrongType);
    t.is(await sendAsync(s, detachedBytes()).catch((error) => `threw ${String(error)}`), ErrorCode.InvalidArgument);
    t.is(await sendAsync(s, 'text' as unknown as Uint8Array), ErrorCode.WrongType);
    const sentData = outcome(() => TCPSendData(s, '16s', [detachedBytes()]));
    t.is(sentData, ErrorCode.BadDataFormat, 'TCPSendData: the value does not fit its format');
    // Nothing of all that went out: the socket still carries a clean stream.
    t.is(TCPSend(s, 'ok'), 2);
    const back = { value: '' };
    t.is(TCPReceive(s, back), 2);
    t.is(back.value, 'ok');
    t.is(TCPClose(s), 0);
  } finally {
    await peer.stop();
  }
});
