/**
 * The live heap of a child started with V8's inspector open (`--inspect`): through the Chrome
 * DevTools Protocol, a full collection and then the heap's used size. What survives a full
 * collection is what the process keeps; resident memory alone also counts garbage not yet
 * collected and pages the allocator has not given back.
 */

/** A collection of a few hundred MiB takes seconds at most: longer, the process is stuck. */
const TIMEOUT_MS = 30_000;

/**
 * Collects the garbage of the process inspected on `port` and resolves to its used heap in MiB;
 * throws after 30 s without an answer.
 */
export async function liveHeapMiB(port: number): Promise<number> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const list = await fetch(`http://127.0.0.1:${port}/json/list`, { signal });
  const targets = await list.json() as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  const timedOut = new Promise<never>((_, reject) => {
    const fail = () => reject(new Error(`the inspector on port ${port} gave no answer in 30 s`));
    if (signal.aborted) fail();
    signal.addEventListener("abort", fail, { once: true });
  });
  timedOut.catch(() => {});
  try {
    await Promise.race([
      timedOut,
      new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error(`no inspector session on port ${port}`));
      }),
    ]);
    const call = devtoolsCaller(socket);
    await Promise.race([timedOut, call("HeapProfiler.collectGarbage")]);
    const usage = await Promise.race([timedOut, call("Runtime.getHeapUsage")]);
    return Math.round((usage as { usedSize: number }).usedSize / 1_048_576 * 10) / 10;
  } finally {
    socket.close();
  }
}

/** Sends protocol commands on `socket`, each resolving to its result. */
function devtoolsCaller(socket: WebSocket) {
  let lastId = 0;
  const waiting = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    const caller = waiting.get(message.id);
    if (!caller) return;
    waiting.delete(message.id);
    if (message.error) caller.reject(new Error(`inspector: ${message.error.message}`));
    else caller.resolve(message.result);
  };
  socket.onclose = () => {
    for (const { reject } of waiting.values()) reject(new Error("inspector session closed"));
  };
  return (method: string) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++lastId;
      waiting.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method }));
    });
}
