/** TCPSetTrustStore: choose the trust folder and (re)load it now. */
import { ErrorCode } from '../../errors.js';
import { TrustFlag } from '../../protocol.js';
import type { EngineSlot } from '../slot.js';
import { loadTlsContext } from '../tls-loader.js';

/** Arg0: TrustFlag bits; the data area: the folder, with TrustFlag.Folder. */
export function setTrustStore(slot: EngineSlot): void {
  const folder = (slot.arg0 & TrustFlag.Folder) !== 0 ? slot.text() : undefined;
  const folderOnly = (slot.arg0 & TrustFlag.CacertsOnly) !== 0;
  const reply = slot.replier();
  const replyText = slot.textReplier();
  void loadTlsContext().then(({ reloadTrust }) => {
    const store = reloadTrust(folder, folderOnly);
    const unreadable = store.problems.some((p) => p.file === store.folder);
    if (unreadable) replyText(ErrorCode.InvalidArgument, store.problems[0]!.reason);
    else reply(store.certificates.length, 0, store.problems.length);
  });
}
