/**
 * What WebDevSetConfig and the TLS commands remember: per thread, as in Omnis where
 * each task has its own settings. Module state is per thread in Node (each worker thread
 * loads its own copy of this module), so plain variables are exactly that.
 */
import { type ClientTlsSettings, emptyClientTls } from '../tls/client-identity.js';

/**
 * WebDevSetConfig's error procedure: called on this thread for every command that fails.
 * @param message - the error's text
 * @param code - the error code the command returns
 * @param command - the failing command's name ('TCPConnect', ...)
 */
export type ErrorProc = (message: string, code: number, command: string) => void;

export const DEFAULT_COMMS_TIMEOUT_MS = 60_000;

export const threadState: {
  errorProc: ErrorProc | undefined;
  /** The detail of the command now running, should it fail (failure-detail.ts); '' for none. */
  pendingDetail: string;
  /**
   * The last failed command of this thread, for TCPGetLastErrorDetail: its name ('' for
   * none yet), code and detail (which parameter and what it wanted, a URL given as a
   * host, a TLS reason; '' when the code says it all). Three fields, not an object: a
   * non-blocking loop fails with -10035 at full speed and must not allocate for it.
   */
  lastFailedCommand: string;
  lastFailedCode: number;
  lastFailureDetail: string;
  commsTimeoutMs: number;
  secureError: string;
  /** Socket 0's options: option id to value, for the connections this thread makes. */
  connectionDefaults: Map<number, number>;
  /** Socket 0's text options of TLS: the client certificate and policy of this thread's secure connects. */
  clientTls: ClientTlsSettings;
} = {
  errorProc: undefined,
  pendingDetail: '',
  lastFailedCommand: '',
  lastFailedCode: 0,
  lastFailureDetail: '',
  commsTimeoutMs: DEFAULT_COMMS_TIMEOUT_MS,
  secureError: '',
  connectionDefaults: new Map(),
  clientTls: emptyClientTls(),
};
