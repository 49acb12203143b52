/** Where certificates live, and the TLS policy: shared by the engine and tcpcmd certs. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's certs/ folder (server certificates and keys are looked up here too). */
export const CERTS_FOLDER = fileURLToPath(new URL('../../certs/', import.meta.url));

/** certs/cacerts, or the folder TCP_COMMANDS_CACERTS names. */
export function defaultTrustFolder(): string {
  return process.env.TCP_COMMANDS_CACERTS ?? join(CERTS_FOLDER, 'cacerts');
}

/** TLS 1.2 or newer, both ways. */
export const MIN_TLS_VERSION = 'TLSv1.2';
