/**
 * Running the user's callbacks. One that throws must not break our bookkeeping (a socket
 * left open, a wait() that never resolves): the caller cleans up, and the error is
 * rethrown as an uncaught exception, as an EventEmitter listener's would be, so by
 * default it still ends the process and is never silently lost.
 */

/** Runs `callback`; false when it threw (its error is then rethrown on a microtask). */
export function runCallback(callback: () => void): boolean {
  try {
    callback();
    return true;
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
    return false;
  }
}
