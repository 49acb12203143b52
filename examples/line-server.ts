// A line-based request/response server: serve() with examples/handlers/line-protocol.ts.
//
//   npx tsx examples/line-server.ts [port]
//
// Then: tcpcmd connect 127.0.0.1 PORT, and type HELLO, ADD 1 2 3, UPPER text, QUIT.
// Ctrl-C stops it after the running handlers finish.
import { serve } from 'tcp-commands';

const server = await serve({
  handler: new URL('./handlers/line-protocol.ts', import.meta.url),
  port: Number(process.argv[2] ?? 0),
  address: '127.0.0.1',
  threads: 2,
});
console.log(`line server on ${server.address}:${server.port}; Ctrl-C to stop`);
process.once('SIGINT', async () => {
  const { completed, abandoned } = await server.close();
  console.log(`\nserved ${completed} connection(s), abandoned ${abandoned}`);
});
