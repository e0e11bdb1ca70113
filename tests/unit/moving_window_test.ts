import assert from "node:assert/strict";
import { MovingWindow } from "../../domain/moving_window.ts";

Deno.test("the moving average covers the last N prices, this one included", () => {
  const window = new MovingWindow(3);
  assert.equal(window.push(1, "10"), "10.00000000");
  assert.equal(window.push(2, "20"), "15.00000000");
  assert.equal(window.push(3, "30"), "20.00000000");
  assert.equal(window.push(4, "40"), "30.00000000", "the first price left the window");
  assert.equal(window.push(5, "0.00000001"), "23.33333334");
  assert.equal(window.length, 3);
  assert.equal(window.lastTradeId, 5);
});

Deno.test("the moving average rounds half away from zero at 8 decimals", () => {
  const window = new MovingWindow(2);
  window.push(1, "1.00000001");
  assert.equal(window.push(2, "1.00000002"), "1.00000002");
});

Deno.test("a float would drift; the window stays exact over many trades", () => {
  const window = new MovingWindow(10);
  let average = "";
  for (let id = 1; id <= 10_000; id++) average = window.push(id, "0.1");
  assert.equal(average, "0.10000000");
});

Deno.test("a window of one is the price itself", () => {
  const window = new MovingWindow(1);
  window.push(7, "3.5");
  assert.equal(window.push(8, "4.25"), "4.25000000");
});

Deno.test("a trade at or below the last id is refused", () => {
  const window = new MovingWindow(5);
  window.push(10, "1");
  assert.throws(() => window.push(10, "1"), RangeError);
  assert.throws(() => window.push(9, "1"), RangeError);
  assert.throws(() => new MovingWindow(0), RangeError);
  assert.throws(() => new MovingWindow(3).average(), RangeError);
});
