/** TCPName2Addr and TCPAddr2Name, bounded by the caller's comms time-out (Arg1). */
import dns from 'node:dns';
import net from 'node:net';
import { codeFromError, ErrorCode } from '../../errors.js';
import { LookupFlag } from '../../protocol.js';
import type { EngineSlot } from '../slot.js';

/** Arg0: LookupFlag bits. A late DNS answer after the time-out is dropped by the replier. */
export function name2addr(slot: EngineSlot): void {
  const host = slot.text();
  const family = (slot.arg0 & LookupFlag.Ipv6) !== 0 ? 6 : 4;
  if (net.isIP(host) !== 0) return slot.replyText(0, host);
  const reply = slot.textReplier();
  dns.lookup(host, { family }, (error, address) => {
    if (error) reply(codeFromError(error, ErrorCode.HostNotFound), '');
    else reply(0, address);
  });
  slot.park(slot.arg1, () => {});
}

export function addr2name(slot: EngineSlot): void {
  const address = slot.text();
  if (net.isIP(address) === 0) return slot.reply(ErrorCode.InvalidArgument);
  const reply = slot.textReplier();
  dns.lookupService(address, 0, (error, hostname) => {
    if (error) reply(codeFromError(error, ErrorCode.HostNotFound), '');
    else reply(0, hostname);
  });
  slot.park(slot.arg1, () => {});
}
