// A node:net server process with hostile behaviour, for the tests.
//
//   node hostile-server.mjs MODE
//
// Prints its port on the first line of stdout; exits when its stdin closes. Modes:
//   reset       sends "hello", then resets the connection (RST)
//   reset-mid   starts sending 16 MiB, and resets the connection 20 ms into it
//   half-close  sends "bye" and its FIN at once, keeps reading; prints "got <bytes>" at the end
//   silent      accepts and never answers (reads and discards)
//   never-read  accepts and never reads: the sender's buffers fill up
//   trickle     sends "trickle-trickle" one byte every 2 ms, then closes
import net from 'node:net';

const mode = process.argv[2];

const behaviours = {
  reset(socket) {
    socket.write('hello', () => setTimeout(() => socket.resetAndDestroy(), 20));
  },
  'reset-mid'(socket) {
    socket.write(Buffer.alloc(16 * 1024 * 1024, 7));
    setTimeout(() => socket.resetAndDestroy(), 20);
  },
  'half-close'(socket) {
    let got = 0;
    socket.on('data', (d) => (got += d.length));
    socket.on('end', () => {
      console.log(`got ${got}`);
      socket.end();
    });
    socket.end('bye');
  },
  silent(socket) {
    socket.resume();
  },
  'never-read'(socket) {
    socket.pause();
  },
  trickle(socket) {
    const text = Buffer.from('trickle-trickle');
    let i = 0;
    const timer = setInterval(() => {
      if (i === text.length) {
        clearInterval(timer);
        socket.end();
        return;
      }
      socket.write(text.subarray(i, ++i));
    }, 2);
  },
};

const behave = behaviours[mode];
if (!behave) {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.on('error', () => {});
  behave(socket);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
