import assert from "node:assert/strict";
import { RefreshPacer } from "../../ui/refresh_pacer.ts";
import { FakeClock } from "../helpers/fake_clock.ts";

/** Lets the reload's promise settle between steps of fake time. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

Deno.test("a feed that never pauses reloads the chart once per gap, not never", async () => {
  const clock = new FakeClock();
  const started: number[] = [];
  const pacer = new RefreshPacer(
    () => {
      started.push(clock.now());
      return Promise.resolve();
    },
    1_000,
    clock,
  );
  const t0 = clock.now();
  // An update every 100 ms for 5 s, as a busy symbol sends them.
  for (let elapsed = 0; elapsed < 5_000; elapsed += 100) {
    pacer.changed();
    clock.advance(100);
    await settle();
  }
  assert.deepEqual(started.map((at) => at - t0), [0, 1_000, 2_000, 3_000, 4_000, 5_000]);
  pacer.stop();
});

Deno.test("changes during a slow reload merge into one reload after it", async () => {
  const clock = new FakeClock();
  let finish = () => {};
  let reloads = 0;
  const pacer = new RefreshPacer(
    () => {
      reloads++;
      return new Promise<void>((resolve) => finish = resolve);
    },
    1_000,
    clock,
  );
  pacer.changed();
  clock.advance(0);
  assert.equal(reloads, 1);
  for (let i = 0; i < 10; i++) {
    pacer.changed();
    clock.advance(500);
  }
  assert.equal(reloads, 1, "never two reloads at once");
  finish();
  await settle();
  clock.advance(0);
  assert.equal(reloads, 2, "the merged changes reload once, right after");
  finish();
  await settle();
  clock.advance(10_000);
  assert.equal(reloads, 2, "and nothing more without a change");
  pacer.stop();
});

Deno.test("a change after a quiet spell reloads at once, and stop cancels a waiting one", async () => {
  const clock = new FakeClock();
  let reloads = 0;
  const pacer = new RefreshPacer(() => Promise.resolve(void reloads++), 1_000, clock);
  pacer.changed();
  clock.advance(0);
  await settle();
  clock.advance(5_000);
  pacer.changed();
  clock.advance(0);
  assert.equal(reloads, 2);
  await settle();
  pacer.changed();
  pacer.stop();
  clock.advance(5_000);
  assert.equal(reloads, 2);
});
