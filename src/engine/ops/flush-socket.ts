/**
 * Op.FlushSocket (TCPFlush): answers 0 once every byte sent on the socket has left node
 * for the kernel (whose buffers outlive the process: what is there is delivered after an
 * exit, as after any close), the connection's error if it failed first, -10053 when it
 * is closed meanwhile, -522 at the time limit (Arg0 ms, -1 none).
 */
import { ErrorCode } from '../../errors.js';
import type { Engine } from '../engine-sockets.js';
import type { EngineSlot } from '../slot.js';

const POLL_MS = 5;

export function flushSocket(slot: EngineSlot, engine: Engine): void {
  const stream = engine.stream(slot);
  if (stream === undefined) return;
  const number = slot.socket;
  const seq = slot.seq;
  const deadline = slot.arg0 < 0 ? Infinity : Date.now() + slot.arg0;
  let timer: NodeJS.Timeout | undefined;
  const answer = (code: number): void => {
    clearInterval(timer);
    if (slot.busy && slot.seq === seq) slot.reply(code);
  };
  const check = (): boolean => {
    if (!slot.busy || slot.seq !== seq) answer(0); // its thread ended: nobody to tell
    else if (engine.table.get(number) !== stream) answer(ErrorCode.ConnectionAborted);
    else if (stream.failed !== 0) answer(stream.failed);
    else if (stream.socket.writableLength === 0) answer(0);
    else if (Date.now() >= deadline) answer(ErrorCode.TimedOut);
    else return false;
    return true;
  };
  if (!check()) timer = setInterval(check, POLL_MS);
}
