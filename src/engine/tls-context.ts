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
import type { ClientTlsWire } from '../tls/client-identity.js';
import { folderSignature, loadTrustStore, type TrustStore } from '../tls/trust-store.js';
import { setTrustFolderSource } from '../tls/tls-errors.js';

let folder = defaultTrustFolder();
// A verify failure's text names this folder, the one the handshake trusted.
setTrustFolderSource(() => folder);
let folderOnly = process.env.TCP_COMMANDS_CACERTS_ONLY === '1';
let current: { signature: string; context: tls.SecureContext; store: TrustStore; ca: string[] } | undefined;
/**
 * Contexts with a thread's client certificate, cipher list or oldest TLS version, by the settings' text: a
 * connect loop builds one once, not a context (and a PEM parse) per connect. Emptied when
 * the trust store changes; bounded, as threads may set many.
 */
const withSettings = new Map<string, tls.SecureContext>();
const MAX_SETTINGS_CONTEXTS = 64;
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
  withSettings.clear();
  return { signature, store, ca, context: tls.createSecureContext({ ca, minVersion: MIN_TLS_VERSION }) };
}

/** The context for client connections, current with the folder. */
export function clientContext(): tls.SecureContext {
  if (current === undefined || current.signature !== folderSignature(folder)) current = build();
  return current.context;
}

/**
 * The context for client connections with a thread's settings (`text` as the request
 * carried it, `settings` parsed from it): the trust store's CAs plus the client
 * certificate and key, the cipher list and the oldest version. Throws when node refuses them.
 */
export function clientContextWith(text: string, settings: ClientTlsWire): tls.SecureContext {
  const base = clientContext(); // current with the folder (a change empties the cache)
  // The versions are the context's (tls.connect ignores its own minVersion when given one).
  if (settings.cert === undefined && settings.ciphers === undefined && settings.minVersion === undefined) return base;
  let context = withSettings.get(text);
  if (context === undefined) {
    const minVersion = (settings.minVersion as tls.SecureVersion | undefined) ?? MIN_TLS_VERSION;
    context = tls.createSecureContext({ ca: current!.ca, cert: settings.cert, key: settings.key, ciphers: settings.ciphers, minVersion });
    if (withSettings.size >= MAX_SETTINGS_CONTEXTS) withSettings.clear();
    withSettings.set(text, context);
  }
  return context;
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
