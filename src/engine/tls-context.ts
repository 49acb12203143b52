/**
 * The engine's client TLS context: it trusts the trust store (certs/cacerts under the
 * working directory, src/tls/folders.ts) plus node's bundled roots, unless the folder
 * alone is asked for. It is built once and rebuilt when
 * the folder changes (checked at every secure connect: a readdir and a few stats,
 * nothing next to a handshake) or on TCPSetTrustStore.
 *
 * Loaded on first use (tls-loader.ts): node-forge takes some 30 ms to load, which the
 * first command of a process that never speaks TLS should not pay.
 */
import { existsSync } from 'node:fs';
import tls from 'node:tls';
import { debugEvent } from '../diagnostics/debug-log.js';
import { defaultTrustFolder, MIN_TLS_VERSION } from '../tls/folders.js';
import { folderSignature, loadTrustStore, type TrustStore } from '../tls/trust-store.js';

let folder = defaultTrustFolder();
let folderOnly = process.env.TCP_COMMANDS_CACERTS_ONLY === '1';
let current: { signature: string; context: tls.SecureContext; store: TrustStore } | undefined;
/** Problems already reported, by file and version: each is reported once. */
const reported = new Set<string>();

function build(): NonNullable<typeof current> {
  const signature = folderSignature(folder);
  const store = loadTrustStore(folder);
  for (const problem of store.problems) {
    // No certs/cacerts in the application's folder is normal: node's roots are trusted alone.
    if (problem.file === folder && !existsSync(folder)) continue;
    const key = `${problem.file}|${signature}`;
    if (reported.has(key)) continue;
    reported.add(key);
    // Also listed by `tcpcmd certs` and returned by TCPSetTrustStore's store.
    debugEvent('skipped trust store files', `trust store ${folder}: skipped ${problem.file}: ${problem.reason}`);
  }
  const ca = [...(folderOnly ? [] : tls.rootCertificates), ...store.certificates.map((c) => c.pem)];
  return { signature, store, context: tls.createSecureContext({ ca, minVersion: MIN_TLS_VERSION }) };
}

/** The context for client connections, current with the folder. */
export function clientContext(): tls.SecureContext {
  if (current === undefined || current.signature !== folderSignature(folder)) current = build();
  return current.context;
}

/**
 * TCPSetTrustStore: use `newFolder` (undefined keeps the current one) and reload now.
 * Returns the store, whose problems tell what was skipped.
 */
export function reloadTrust(newFolder: string | undefined, onlyFolder: boolean): TrustStore {
  if (newFolder !== undefined) folder = newFolder;
  folderOnly = onlyFolder;
  current = build();
  return current.store;
}
