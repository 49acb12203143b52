/** A TypeScript fixture on a worker thread that shares this process's engine. */
import { Worker } from 'node:worker_threads';
import { engineHandle } from '../../src/index.js';

const tsWorker = new URL('./ts-worker.mjs', import.meta.url);

export interface FixtureWorker {
  worker: Worker;
  /** The next message the worker posts (messages are queued, none is lost). */
  nextMessage(): Promise<unknown>;
  exited: Promise<number>;
}

export function startWorkerFixture(name: string, data: Record<string, unknown> = {}): FixtureWorker {
  const worker = new Worker(tsWorker, {
    workerData: { module: new URL(`../fixtures/${name}`, import.meta.url).href, ...data, ...engineHandle() },
  });
  const messages: unknown[] = [];
  const waiting: Array<(message: unknown) => void> = [];
  worker.on('message', (message) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const exited = new Promise<number>((resolve, reject) => {
    worker.once('exit', resolve);
    worker.once('error', reject);
  });
  return {
    worker,
    exited,
    nextMessage: () =>
      messages.length > 0 ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiting.push(resolve)),
  };
}
