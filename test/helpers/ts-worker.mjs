// Runs a TypeScript module on a worker thread: Node 20 cannot start a Worker on a .ts
// file, even with --import tsx, so this plain entry registers tsx and imports it.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.module);
