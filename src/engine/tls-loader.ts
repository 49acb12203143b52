/** The client TLS context module, loaded on first use (node-forge is slow to load). */
type TlsContextModule = typeof import('./tls-context.js');

let loading: Promise<TlsContextModule> | undefined;

export function loadTlsContext(): Promise<TlsContextModule> {
  loading ??= import('./tls-context.js');
  return loading;
}
