// serve({ udp: true }) / tcpcmd serve --udp handler: answers each datagram with its text
// uppercased, to the sender. Blocking style, on a pool thread: the other threads take the
// next datagrams meanwhile.
import { UDPSendTo, type DatagramSender } from 'tcp-commands';

export function datagram(socket: number, data: Uint8Array, from: DatagramSender): void {
  const reply = Buffer.from(data).toString('utf8').toUpperCase();
  UDPSendTo(socket, from.address, from.port, reply); // negative: not sent; the client asks again
}
