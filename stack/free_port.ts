/** Finds a TCP port on 127.0.0.1 that nothing listens on right now. */

/**
 * Returns a port the operating system reports as free on 127.0.0.1.
 * Another process may take it before the caller binds it, so use it at once.
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
