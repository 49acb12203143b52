/** serve()'s counters that pool threads move: a handler started, a handler finished. */
export const HandlerCounter = {
  Started: 0,
  Finished: 1,
} as const;

export function newCounters(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * 4);
}
