/** Tells whether something accepts TCP connections at an address. */

/**
 * Resolves `true` when a TCP connection to `host:port` opens within `timeoutMs`
 * (default 1000), `false` when it is refused, unreachable or too slow. Never throws.
 */
export async function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  try {
    const conn = await Deno.connect({
      hostname: host.replace(/^\[(.*)\]$/, "$1"),
      port,
      signal: AbortSignal.timeout(timeoutMs),
    });
    conn.close();
    return true;
  } catch {
    return false;
  }
}
