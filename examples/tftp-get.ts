// Reads a file from a TFTP server (RFC 1350, octet mode, 512-byte blocks) with the
// blocking datagram commands: the RRQ / DATA / ACK loop a device script writes.
//
//   npx tsx examples/tftp-get.ts SERVER FILE [PORT] [OUTPUT]
//
// The server answers from a new port of its own (its transfer ID, TID): the first DATA's
// `from.port` is it, and every ACK goes there. A lost packet is noticed by the socket's
// time-out (-522): the last packet is sent again, a bounded number of times.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type SenderHolder, TCPClose, TCPErrorText, TCPSetOption, UDPOpen, UDPReceiveFrom, UDPSendTo } from 'tcp-commands';

const RRQ = 1;
const DATA = 3;
const ACK = 4;
const ERROR = 5;
const BLOCK = 512;

export type TftpResult = { data: Buffer } | { error: string };

export interface TftpOptions {
  port?: number;
  /** Per packet: how long to wait for the next one before sending the last again. */
  timeoutMs?: number;
  /** How many times in a row the last packet is sent again before giving up. */
  retries?: number;
}

const packet = (opcode: number, ...fields: Array<number | string>): Buffer => {
  const parts = [Buffer.from([opcode >> 8, opcode & 0xff])];
  for (const field of fields) parts.push(typeof field === 'number' ? Buffer.from([field >> 8, field & 0xff]) : Buffer.from(`${field}\0`, 'latin1'));
  return Buffer.concat(parts);
};

/** Reads `file` from the TFTP server at `server`; its bytes, or why not. */
export function tftpGet(server: string, file: string, { port = 69, timeoutMs = 1_000, retries = 5 }: TftpOptions = {}): TftpResult {
  const socket = UDPOpen(server.includes(':') ? '::' : '');
  if (socket < 0) return { error: `UDPOpen: ${TCPErrorText(socket)}` };
  try {
    TCPSetOption(socket, 'timeout', timeoutMs);
    const blocks: Buffer[] = [];
    let expected = 1; // the next block number; it wraps past 65535 to 0 (as most servers do)
    let tid: { address: string; port: number } | undefined;
    let last = packet(RRQ, file, 'octet');
    let lastTo = port; // the RRQ goes to the server's well-known port, the ACKs to its TID
    let tries = 0;
    const buffer = new Uint8Array(4 + BLOCK);
    const from: SenderHolder = {};
    const sent = UDPSendTo(socket, server, lastTo, last);
    if (sent < 0) return { error: `UDPSendTo: ${TCPErrorText(sent)}` };
    for (;;) {
      const n = UDPReceiveFrom(socket, buffer, from);
      if (n === -522) {
        if (++tries > retries) return { error: `no answer after ${retries} retransmissions (block ${expected})` };
        UDPSendTo(socket, tid?.address ?? server, lastTo, last);
        continue;
      }
      if (n < 4) {
        if (n < 0 && n !== -10040) return { error: `UDPReceiveFrom: ${TCPErrorText(n)}` };
        continue; // too short, or too long (-10040), to be a packet of this transfer: ignored
      }
      const sender = from.value!;
      if (tid === undefined) tid = { address: sender.address, port: sender.port };
      else if (sender.port !== tid.port || sender.address !== tid.address) {
        // RFC 1350 section 4: a packet from another TID is answered with an error, the transfer goes on.
        UDPSendTo(socket, sender.address, sender.port, packet(ERROR, 5, 'Unknown transfer ID'));
        continue;
      }
      const view = Buffer.from(buffer.buffer, 0, n);
      const opcode = view.readUInt16BE(0);
      if (opcode === ERROR) return { error: `server error ${view.readUInt16BE(2)}: ${view.toString('latin1', 4, n).replace(/\0.*$/s, '')}` };
      if (opcode !== DATA) continue;
      const block = view.readUInt16BE(2);
      if (block === expected) {
        blocks.push(Buffer.from(view.subarray(4)));
        expected = (expected + 1) & 0xffff;
        tries = 0;
      } else if (block !== ((expected - 1) & 0xffff)) continue; // neither the next nor a repeat of the last
      // The block just taken, or a repeat of the last (our ACK was lost): acknowledged.
      last = packet(ACK, block);
      lastTo = tid.port;
      UDPSendTo(socket, tid.address, lastTo, last);
      if (block === ((expected - 1) & 0xffff) && n - 4 < BLOCK) return { data: Buffer.concat(blocks) }; // a short block ends it
    }
  } finally {
    TCPClose(socket);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [server = '127.0.0.1', file = '', port = '69', output] = process.argv.slice(2);
  const result = tftpGet(server, file, { port: Number(port) });
  if ('error' in result) {
    console.error(result.error);
    process.exit(1);
  }
  if (output !== undefined) writeFileSync(output, result.data);
  console.log(`${file}: ${result.data.length} bytes`);
}
