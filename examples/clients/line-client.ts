// A client script for the line server, run on the pool by the npm start demo: a
// conversation of requests, each answer checked. Returns what it did.
import { TCPClose, TCPConnect, TCPErrorText, TCPReceiveUntil, TCPSend } from 'tcp-commands';

/** The next line without its CR LF, read with TCPReceiveUntil; null when the server closed or failed. */
function readLine(socket: number): string | null {
  const line = { value: '' }; // a Character field: whole characters, UTF-8
  const n = TCPReceiveUntil(socket, line, '\n');
  return n <= 0 ? null : line.value.replace(/\r?\n$/, '');
}

export interface Conversation {
  client: number;
  requests: number;
  correct: number;
  milliseconds: number;
  error?: string;
}

export default function lineClient(port: number, client: number, requests: number): Conversation {
  const started = performance.now();
  const result: Conversation = { client, requests: 0, correct: 0, milliseconds: 0 };
  const socket = TCPConnect('127.0.0.1', port);
  if (socket < 0) return { ...result, error: TCPErrorText(socket) };
  const ask = (request: string, expected: string): void => {
    TCPSend(socket, `${request}\r\n`);
    result.requests++;
    if (readLine(socket) === expected) result.correct++;
  };
  ask('HELLO', '+OK tcp-commands line server');
  for (let i = 1; i <= requests; i++) {
    ask(`ADD ${client} ${i} ${i * i}`, `+OK ${client + i + i * i}`);
    ask(`UPPER client ${client} request ${i} ünïcode`, `+OK CLIENT ${client} REQUEST ${i} ÜNÏCODE`);
  }
  ask('QUIT', '+OK bye');
  const end = readLine(socket);
  if (end !== null) result.error = `expected the server to close, got ${String(end)}`;
  TCPClose(socket);
  result.milliseconds = Math.round(performance.now() - started);
  return result;
}
