/** Ports for tests that need nobody listening. */
import net from 'node:net';

/**
 * A loopback port nobody listens on: one the OS just gave out and took back. (A fixed
 * port such as 1 is not safe: anything on the machine may listen there.)
 */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
