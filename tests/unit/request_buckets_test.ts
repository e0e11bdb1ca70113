import assert from "node:assert/strict";
import { RequestBuckets } from "../../domain/request_buckets.ts";

Deno.test("a client may burst, then goes at the rate, told how long to wait", () => {
  const buckets = new RequestBuckets(2, 4);
  for (let i = 0; i < 4; i++) assert.equal(buckets.take("a", 0), 0);
  assert.equal(buckets.take("a", 0), 1);
  assert.equal(buckets.take("b", 0), 0, "another client has its own bucket");
  assert.equal(buckets.take("a", 500), 0, "half a second at 2/s is one more");
  assert.equal(buckets.take("a", 500), 1);
  assert.equal(buckets.take("a", 10_000), 0);
  const slow = new RequestBuckets(0.1, 1);
  assert.equal(slow.take("a", 0), 0);
  assert.equal(slow.take("a", 0), 10, "at one per 10 s, wait 10 s");
});

Deno.test("past maxClients the idle go first, then the least recently seen", () => {
  const buckets = new RequestBuckets(1, 1, 10);
  for (let i = 0; i < 10; i++) buckets.take(`c${i}`, 0);
  buckets.take("c0", 500);
  buckets.take("new", 500);
  assert.ok(buckets.size <= 10);
  // c0 was seen last before "new", so it is kept, and still owes its request.
  assert.equal(buckets.take("c0", 500), 1);
  const idle = new RequestBuckets(1, 1, 10);
  for (let i = 0; i < 10; i++) idle.take(`c${i}`, 0);
  idle.take("late", 5_000);
  assert.equal(idle.size, 1, "every bucket full again by then is dropped");
});
