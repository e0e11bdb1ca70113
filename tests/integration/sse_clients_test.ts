/**
 * The bench's stream clients (`bench/sse_clients.ts`, read through `epoll`) against a real
 * HTTP server: what they count is what the server sent, or the bench's figures would lie.
 */
import assert from "node:assert/strict";
import type { ClientFigures, StoredBatch } from "../../bench/sse_clients.ts";

const CLIENTS = 3;
const encoder = new TextEncoder();

/** Runs the clients against `url`; `send` is called once they are connected. */
async function runClients(
  url: string,
  send: () => StoredBatch[] | Promise<StoredBatch[]>,
): Promise<{ figures: ClientFigures; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-ffi",
      new URL("../../bench/sse_clients.ts", import.meta.url).pathname,
      url,
      String(CLIENTS),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Clients that never say they connected, or never report, fail the test rather than hang it.
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderr = new Response(child.stderr).text();
  let text = "";
  const nextLine = async () => {
    while (!text.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`the clients exited: ${await stderr}`);
      text += value;
    }
    const line = text.slice(0, text.indexOf("\n"));
    text = text.slice(line.length + 1);
    return line;
  };
  try {
    assert.deepEqual(JSON.parse(await nextLine()), { connected: CLIENTS });
    const stored = await send();
    // The updates reach the clients before they are told what was stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const writer = child.stdin.getWriter();
    await writer.write(encoder.encode(JSON.stringify(stored)));
    await writer.close();
    return { figures: JSON.parse(await nextLine()) as ClientFigures, stderr: await stderr };
  } finally {
    clearTimeout(killer);
    try {
      child.kill("SIGKILL");
    } catch {
      // It has exited.
    }
    await lines.cancel();
    await child.stdin.abort().catch(() => {});
    await stderr;
    await child.status;
  }
}

/** A server whose every stream is handed to `streams`, to be written to by the test. */
function streamServer(status = 200) {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    if (status !== 200) return new Response("busy", { status });
    let stream!: ReadableStreamDefaultController<Uint8Array>;
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          stream = controller;
          streams.add(stream);
          controller.enqueue(encoder.encode(": connected\n\n"));
        },
        cancel: () => void streams.delete(stream),
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  });
  const write = (text: string) => {
    for (const stream of streams) stream.enqueue(encoder.encode(text));
  };
  /** Ends every open stream, as the dashboard does when it stops. */
  const end = () => {
    for (const stream of streams) stream.close();
    streams.clear();
  };
  const stop = async () => {
    end();
    await server.shutdown();
  };
  return { url: `http://127.0.0.1:${server.addr.port}/api/stream`, write, end, stop };
}

const update = (symbol: string, lastTradeId: number) =>
  `id: ${lastTradeId}\nevent: update\ndata: {"symbol":"${symbol}","lastTradeId":"${lastTradeId}"}\n\n`;

Deno.test("the bench's stream clients count every update and resync the server sent", async () => {
  const server = streamServer();
  try {
    const { figures } = await runClients(server.url, () => {
      const committedAt = Date.now();
      // A resync before an update in one read, and one after it in the next.
      const resync = (id: number) => `id: ${id}\nevent: resync\ndata: {"reason":"too slow"}\n\n`;
      server.write(resync(9) + update("BTCUSDT", 10));
      server.write(update("ETHUSDT", 20) + resync(21));
      return [
        { symbol: "BTCUSDT", lastTradeId: 10, committedAt },
        { symbol: "ETHUSDT", lastTradeId: 20, committedAt },
        // Never sent: not delivered.
        { symbol: "BTCUSDT", lastTradeId: 11, committedAt },
      ];
    });
    assert.equal(figures.delivered, 2 * CLIENTS);
    assert.equal(figures.resyncs, 2 * CLIENTS);
    assert.equal(figures.failed, 0);
    assert.ok(figures.p99Ms >= 0 && figures.p99Ms < 300, `p99 ${figures.p99Ms} ms`);
  } finally {
    await server.stop();
  }
});

Deno.test("the bench's stream clients count a refused stream as failed", async () => {
  const server = streamServer(503);
  try {
    const { figures, stderr } = await runClients(server.url, () => []);
    assert.equal(figures.failed, CLIENTS);
    assert.match(stderr, /HTTP\/1\.1 503/);
  } finally {
    await server.stop();
  }
});

Deno.test("the bench's stream clients count a stream the server ends as failed", async () => {
  const server = streamServer();
  try {
    const { figures } = await runClients(server.url, async () => {
      server.end();
      // Each client sees its stream end before it is told to stop.
      await new Promise((resolve) => setTimeout(resolve, 300));
      return [];
    });
    assert.equal(figures.failed, CLIENTS);
  } finally {
    await server.stop();
  }
});
