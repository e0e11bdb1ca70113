/** The webhook's delivery: retried while the receiver fails, given up at once when it refuses. */
import assert from "node:assert/strict";
import { AlertWebhook } from "../../pipeline/alert_webhook.ts";
import type { AlertNotice, WebhookNotice } from "../../domain/alert_notice.ts";
import { waitFor } from "../helpers/wait.ts";
import { quietLog } from "../helpers/dashboard_app.ts";

function notice(subject: string): AlertNotice {
  return {
    v: 1,
    rule: "symbol_silent",
    subject,
    state: "firing",
    value: 400,
    threshold: 300,
    firedAt: "2026-12-02T10:00:00+00:00",
  };
}

Deno.test("a failing webhook is retried, one that refuses a notice is not; each is settled", async () => {
  // The receiver answers per subject: two 503s then 204, a 400, a 429 then 204.
  const answers: Record<string, number[]> = {
    BTCUSDT: [503, 503, 204],
    ETHUSDT: [400],
    SOLUSDT: [429, 204],
  };
  const received: string[] = [];
  const server = Deno.serve({ port: 0, onListen() {} }, async (request) => {
    const { subject } = await request.json();
    received.push(subject);
    return new Response(null, { status: answers[subject].shift() ?? 500 });
  });
  const webhook = new AlertWebhook({
    url: `http://127.0.0.1:${server.addr.port}/`,
    log: quietLog,
    backoff: { baseMs: 10, maxMs: 20 },
  });
  const settled: [string, boolean][] = [];
  try {
    for (const subject of Object.keys(answers)) {
      webhook.send(notice(subject), (delivered) => settled.push([subject, delivered]));
    }
    await waitFor("every notice settled", () => settled.length === 3, 10_000);
    assert.deepEqual(settled, [["BTCUSDT", true], ["ETHUSDT", false], ["SOLUSDT", true]]);
    assert.deepEqual(received, ["BTCUSDT", "BTCUSDT", "BTCUSDT", "ETHUSDT", "SOLUSDT", "SOLUSDT"]);
    assert.deepEqual([webhook.delivered, webhook.failures, webhook.dropped], [2, 4, 1]);
  } finally {
    await webhook.stop();
    await server.shutdown();
  }
});

Deno.test("a price alert being retried does not hold up a rule's notice on the same webhook", async () => {
  // The receiver fails every price alert and accepts every rule's notice.
  const received: string[] = [];
  const server = Deno.serve({ port: 0, onListen() {} }, async (request) => {
    const { rule } = await request.json();
    received.push(rule);
    return new Response(null, { status: rule === "price_crosses" ? 503 : 204 });
  });
  const webhook = new AlertWebhook({
    url: `http://127.0.0.1:${server.addr.port}/`,
    log: quietLog,
    backoff: { baseMs: 60_000, maxMs: 60_000 },
  });
  try {
    const priceAlert = {
      ...notice("BTCUSDT"),
      rule: "price_crosses",
      state: "fired",
    } as unknown as WebhookNotice;
    webhook.send(priceAlert);
    await waitFor("the price alert refused once", () => received.length === 1, 5_000);
    let delivered = false;
    webhook.send(notice("ETHUSDT"), (ok) => delivered = ok);
    // The price alert now waits a minute before its retry; the rule's notice goes at once.
    await waitFor("the rule's notice delivered", () => delivered, 5_000);
    assert.deepEqual(received, ["price_crosses", "symbol_silent"]);
    assert.equal(webhook.pending, 1, "the price alert still waits for its retry");
  } finally {
    await webhook.stop();
    await server.shutdown();
  }
});
