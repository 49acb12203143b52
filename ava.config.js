// ava 7 on Node 20: TypeScript test files are loaded through tsx in child processes.
// (With ava's worker threads on, .ts test files fail to load.)
export default {
  files: ['test/**/*.test.ts'],
  extensions: { ts: 'module' },
  nodeArguments: ['--import=tsx'],
  workerThreads: false,
  timeout: '60s',
  // Tests run real peers and block their process's main thread; two files at a time
  // keeps a 2-core machine responsive.
  concurrency: 2,
};
