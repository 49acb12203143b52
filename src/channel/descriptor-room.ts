/**
 * Whether the process can open more descriptors now. A thread blocked in a command never
 * sees the errors node reports on a later tick (a listen's, a Worker's start), so where
 * running out of descriptors must become a code at once, the thread asks first.
 */
import { closeSync, openSync } from 'node:fs';
import { devNull } from 'node:os';

/** False when `count` more descriptors cannot be opened now (EMFILE / ENFILE); true otherwise. */
export function descriptorsLeft(count: number): boolean {
  const opened: number[] = [];
  try {
    while (opened.length < count) opened.push(openSync(devNull, 'r'));
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code !== 'EMFILE' && code !== 'ENFILE';
  } finally {
    for (const fd of opened) closeSync(fd);
  }
}
