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
  send: () => StoredBatch[],
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
  let text = "";
  const nextLine = async () => {
    while (!text.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("the clients exited");
      text += value;
    }
    const line = text.slice(0, text.indexOf("\n"));
    text = text.slice(line.length + 1);
    return line;
  };
  assert.deepEqual(JSON.parse(await nextLine()), { connected: CLIENTS });
  const stored = send();
  // The updates reach the clients before they are told what was stored.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const writer = child.stdin.getWriter();
  await writer.write(encoder.encode(JSON.stringify(stored)));
  await writer.close();
  const figures = JSON.parse(await nextLine()) as ClientFigures;
  await lines.cancel();
  const stderr = await new Response(child.stderr).text();
  await child.status;
  clearTimeout(killer);
  return { figures, stderr };
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
  const stop = async () => {
    for (const stream of streams) stream.close();
    await server.shutdown();
  };
  return { url: `http://127.0.0.1:${server.addr.port}/api/stream`, write, stop };
}

const update = (symbol: string, lastTradeId: number) =>
  `id: ${lastTradeId}\nevent: update\ndata: {"symbol":"${symbol}","lastTradeId":"${lastTradeId}"}\n\n`;

Deno.test("the bench's stream clients count every update and resync the server sent", async () => {
  const server = streamServer();
  try {
    const { figures } = await runClients(server.url, () => {
      const committedAt = Date.now();
      server.write(update("BTCUSDT", 10) + update("ETHUSDT", 20));
      server.write('id: 21\nevent: resync\ndata: {"reason":"client too slow"}\n\n');
      return [
        { symbol: "BTCUSDT", lastTradeId: 10, committedAt },
        { symbol: "ETHUSDT", lastTradeId: 20, committedAt },
        // Never sent: not delivered.
        { symbol: "BTCUSDT", lastTradeId: 11, committedAt },
      ];
    });
    assert.equal(figures.delivered, 2 * CLIENTS);
    assert.equal(figures.resyncs, CLIENTS);
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
