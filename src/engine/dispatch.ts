/**
 * Operation codes to handlers. A handler answers its slot now or parks it; an exception
 * out of a handler is answered as an error code so that one bad request never takes
 * the engine (and every other thread's sockets) down with it.
 */
import { codeFromError, ErrorCode } from '../errors.js';
import { Op, TEST_HOOKS_ENV } from '../protocol.js';
import type { Engine } from './engine-sockets.js';
import { localAddress, localPort, remoteAddress, remotePort } from './ops/addresses.js';
import { block, close } from './ops/close.js';
import { connect } from './ops/connect.js';
import { udpConnect, udpMembership, udpOpen, udpReceiveFrom, udpSendTo } from './ops/datagram.js';
import { flush } from './ops/flush.js';
import { flushSocket } from './ops/flush-socket.js';
import { available, stats, waitForClose } from './ops/inspect.js';
import { addr2name, name2addr } from './ops/names.js';
import { getOption, setOption } from './ops/socket-options.js';
import { accept, bind, listen, socket } from './ops/server.js';
import { nextRequest, requestCounts, serveRequests } from './ops/requests.js';
import { receiveUntil } from './ops/receive-until.js';
import { peerCertificate } from './ops/peer-certificate.js';
import { startTls } from './ops/start-tls.js';
import { giveBack } from './ops/give-back.js';
import { receive, send } from './ops/transfer.js';
import { setTrustStore } from './ops/trust.js';
import type { EngineSlot } from './slot.js';
import { crash, hang } from './test-hooks.js';

type Handler = (slot: EngineSlot, engine: Engine) => void;

/** What TCPStats tells of the caller threads, which engine-thread.ts keeps. */
export interface ThreadFigures {
  slots: number;
  lifelinesLost: number;
}

let threadFigures: () => ThreadFigures = () => ({ slots: 0, lifelinesLost: 0 });
export function countThreadsWith(count: () => ThreadFigures): void {
  threadFigures = count;
}

const handlers = new Map<number, Handler>([
  [Op.Connect, connect],
  [Op.Send, send],
  [Op.Receive, receive],
  [Op.Close, close],
  [Op.Block, block],
  [Op.LocalAddress, localAddress],
  [Op.LocalPort, localPort],
  [Op.RemoteAddress, remoteAddress],
  [Op.RemotePort, remotePort],
  [Op.Socket, socket],
  [Op.Bind, bind],
  [Op.Listen, listen],
  [Op.Accept, accept],
  [Op.SetOption, setOption],
  [Op.GetOption, getOption],
  [Op.Name2Addr, name2addr],
  [Op.Addr2Name, addr2name],
  [Op.ReloadTrust, setTrustStore],
  [Op.Flush, flush],
  [Op.FlushSocket, flushSocket],
  [Op.ReceiveUntil, receiveUntil],
  [Op.StartTls, startTls],
  [Op.PeerCertificate, peerCertificate],
  [Op.GiveBack, giveBack],
  [Op.Available, available],
  [Op.Wait, waitForClose],
  [Op.Stats, (slot, engine) => stats(slot, engine, threadFigures())],
  [Op.ServeRequests, serveRequests],
  [Op.NextRequest, nextRequest],
  [Op.RequestCounts, requestCounts],
  [Op.UdpOpen, udpOpen],
  [Op.UdpSendTo, udpSendTo],
  [Op.UdpReceiveFrom, udpReceiveFrom],
  [Op.UdpConnect, udpConnect],
  [Op.UdpMembership, udpMembership],
]);

// Any thread holding the engine's handle could freeze every socket of the process with
// these: they exist only in an engine started for the fault tests.
if (process.env[TEST_HOOKS_ENV] === '1') {
  handlers.set(Op.Crash, crash);
  handlers.set(Op.Hang, hang);
}

export function dispatch(slot: EngineSlot, engine: Engine): void {
  const handler = handlers.get(slot.op);
  engine.calls++;
  if (handler === undefined) return slot.reply(ErrorCode.InvalidArgument);
  try {
    handler(slot, engine);
  } catch (error) {
    slot.reply(codeFromError(error, ErrorCode.InvalidArgument));
  }
}
