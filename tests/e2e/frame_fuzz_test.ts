/**
 * 12,000 generated frames, two in five valid and the rest broken every way (JSON cut short, not
 * an object, wrong types, amounts past their limits, exponents, NaN, zero and negative numbers,
 * times in seconds, unknown events and symbols, oversized, error replies, control characters,
 * a known trade id again with another time and price), with some trades sent again as they were,
 * through the real producer and consumer: neither crashes, each invalid frame is dead-lettered
 * exactly once with its reason, and the database holds exactly the valid trades, each once.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startSimulator } from "../../stack/simulator.ts";
import { startComponent } from "../helpers/component_process.ts";
import { startTestStack } from "../helpers/test_stack.ts";
import { fuzzFrames, fuzzLine } from "../helpers/fuzz_frames.ts";
import { stableFor, waitFor } from "../helpers/wait.ts";
import type { DeadLetter } from "../../domain/dead_letter.ts";
import type { StoredTradeRow } from "../../pipeline/stored_trade_check.ts";

const FRAMES = 12_000;

Deno.test({
  name: "12,000 generated frames: every invalid one dead-lettered once, every valid one stored",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using stack = await startTestStack();
    const frames = fuzzFrames(17, FRAMES, stack.symbols, 1_000, Date.now());
    const { lines, invalid, trades } = frames;
    const file = await Deno.makeTempFile({ suffix: ".jsonl" });
    await Deno.writeTextFile(file, lines.join("\n") + "\n");
    const simulator = stack.hold(
      await startSimulator({ port: 0, symbols: [...stack.symbols], replay: file, rate: 2_000 }),
    );
    const env = stack.env({ simulator }, { SILENCE_TIMEOUT_MS: "600000" });
    const consumer = stack.hold(await startComponent("consumer.ts", "fuzz-consumer", env));
    const producer = stack.hold(await startComponent("producer.ts", "fuzz-producer", env));

    const count = async () =>
      Number((await stack.db.sql`select count(*)::int as n from trades`)[0].n);
    await waitFor(
      `${trades.length} trades stored`,
      async () => await count() >= trades.length,
      120_000,
    );
    // Time for a trade stored twice, or an invalid one, to show.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stored = await stack.db.sql<StoredTradeRow[]>`
      select symbol, trade_id::text, price::text, quantity::text,
        (extract(epoch from trade_time) * 1000)::bigint::text as ms, is_buyer_maker as m
      from trades order by symbol, trade_id
    `;
    const units = (decimal: string) => {
      const [whole, fraction = ""] = decimal.split(".");
      return `${BigInt(whole)}.${fraction.padEnd(8, "0")}`;
    };
    const key = (
      t: { symbol: string; id: string; price: string; qty: string; ms: string; m: boolean },
    ) => `${t.symbol} ${t.id} ${units(t.price)} ${units(t.qty)} ${t.ms} ${t.m}`;
    assert.deepEqual(
      stored.map((r) =>
        key({ symbol: r.symbol, id: r.trade_id, price: r.price, qty: r.quantity, ms: r.ms, m: r.m })
      ),
      trades.map((t) =>
        key({
          symbol: t.symbol,
          id: String(t.tradeId),
          price: t.price,
          qty: t.quantity,
          ms: String(t.tradeTime),
          m: t.isBuyerMaker,
        })
      )
        .sort(),
      "exactly the valid trades, each once",
    );

    // The dead-letter topic, read whole: one letter per invalid frame, with its reason.
    const kafka = new Kafka({ brokers: [stack.broker.bootstrap], logLevel: logLevel.NOTHING });
    const reader = kafka.consumer({ groupId: `fuzz-dlq-${crypto.randomUUID()}` });
    await reader.connect();
    stack.hold(reader, (r) => r.disconnect());
    await reader.subscribe({ topic: `${env.KAFKA_TOPIC}.dlq`, fromBeginning: true });
    const letters: DeadLetter[] = [];
    await reader.run({
      eachMessage: ({ message }) => {
        letters.push(JSON.parse(String(message.value)));
        return Promise.resolve();
      },
    });
    await waitFor(`${invalid.size} dead letters`, () => letters.length >= invalid.size, 60_000);
    await waitFor("no more dead letters", stableFor(() => letters.length, 3_000), 30_000);
    const seen = new Map<number, number>();
    for (const letter of letters) {
      const n = fuzzLine(frames, letter);
      assert.ok(
        n !== undefined && invalid.has(n),
        `a letter of no invalid frame: ${letter.raw.slice(0, 200)}`,
      );
      assert.ok(letter.reason.length > 0, `line ${n} has no reason`);
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    const missing = [...invalid].filter((n) => !seen.has(n));
    assert.deepEqual(
      missing.map((n) => lines[n].slice(0, 200)),
      [],
      "invalid frames not dead-lettered",
    );
    assert.deepEqual(
      [...seen].filter(([, times]) => times > 1),
      [],
      "dead-lettered more than once",
    );
    assert.equal(letters.length, invalid.size);

    for (const component of [producer, consumer]) {
      const exited = await Promise.race([
        component.status.then(() => true),
        Promise.resolve(false),
      ]);
      assert.equal(exited, false, "still running");
      assert.equal((await component.stop()).code, 0);
    }
  },
});
