/** TCPSetTrustStore: choose the trust folder and (re)load it now. */
import { ErrorCode } from '../../errors.js';
import type { EngineSlot } from '../slot.js';
import { loadTlsContext } from '../tls-loader.js';

/** Arg0 bit 0: the folder alone (no node roots); bit 1: a folder is given (the data). */
export function setTrustStore(slot: EngineSlot): void {
  const folder = (slot.arg0 & 2) !== 0 ? slot.text() : undefined;
  const folderOnly = (slot.arg0 & 1) !== 0;
  const reply = slot.replier();
  const replyText = slot.textReplier();
  void loadTlsContext().then(({ reloadTrust }) => {
    const store = reloadTrust(folder, folderOnly);
    const unreadable = store.problems.some((p) => p.file === store.folder);
    if (unreadable) replyText(ErrorCode.InvalidArgument, store.problems[0]!.reason);
    else reply(store.certificates.length, 0, store.problems.length);
  });
}
