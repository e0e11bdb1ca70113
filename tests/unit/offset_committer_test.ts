/**
 * The offset committer (pure logic; the commit request is a function the test answers): offsets
 * stored while a commit is in flight wait as one per partition and go out together, never as a
 * queue that grows with the number of batches.
 */
import assert from "node:assert/strict";
import { createOffsetCommitter, type PartitionOffset } from "../../pipeline/offset_committer.ts";

/** A commit function whose requests the test answers one by one. */
function heldCommits() {
  const requests: { offsets: PartitionOffset[]; answer: (error?: Error) => void }[] = [];
  const commit = (offsets: PartitionOffset[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ offsets, answer: (error) => error ? reject(error) : resolve() });
    });
  return { requests, commit };
}

const offset = (partition: number, next: number): PartitionOffset => ({
  partition,
  offset: String(next),
  highWatermark: "100000",
});

Deno.test("offsets stored while a commit is in flight go out as one request, newest per partition", async () => {
  const { requests, commit } = heldCommits();
  const committed: PartitionOffset[][] = [];
  const committer = createOffsetCommitter({
    commit,
    onCommitted: (offsets) => committed.push(offsets),
    onError: (error) => assert.fail(`unexpected ${error}`),
  });
  committer.add(offset(0, 1));
  assert.equal(requests.length, 1);
  // Ten thousand batches stored before the broker answers the first commit.
  for (let next = 2; next <= 10_001; next++) committer.add(offset(next % 2, next));
  assert.equal(requests.length, 1, "no second request while one is in flight");
  requests[0].answer();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[1].offsets, [offset(0, 10_000), offset(1, 10_001)]);
  requests[1].answer();
  await committer.settled();
  assert.deepEqual(committed, [[offset(0, 1)], [offset(0, 10_000), offset(1, 10_001)]]);
  assert.equal(requests.length, 2, "nothing left to send");
});

Deno.test("a failed commit is reported once, drops what waited, and a later offset is sent again", async () => {
  const { requests, commit } = heldCommits();
  const errors: unknown[] = [];
  const committer = createOffsetCommitter({
    commit,
    onCommitted: () => {},
    onError: (error) => errors.push(error),
  });
  committer.add(offset(0, 5));
  committer.add(offset(0, 6));
  requests[0].answer(new Error("rebalance in progress"));
  await committer.settled();
  assert.deepEqual(errors.map((e) => (e as Error).message), ["rebalance in progress"]);
  assert.equal(requests.length, 1, "the offset that waited behind the failure is dropped");
  committer.add(offset(0, 7));
  assert.deepEqual(requests[1].offsets, [offset(0, 7)]);
  requests[1].answer();
  await committer.settled();
});

Deno.test("offsets dropped before they are sent are never committed", async () => {
  const { requests, commit } = heldCommits();
  const committer = createOffsetCommitter({
    commit,
    onCommitted: () => {},
    onError: (error) => assert.fail(`unexpected ${error}`),
  });
  committer.add(offset(0, 1));
  committer.add(offset(1, 2));
  // A rebalance: partition 1 may be another member's now.
  committer.drop();
  requests[0].answer();
  await committer.settled();
  assert.deepEqual(requests.map((r) => r.offsets), [[offset(0, 1)]]);
});

Deno.test("a commit function that throws at once still leaves the committer able to send", async () => {
  let calls = 0;
  const errors: unknown[] = [];
  const committer = createOffsetCommitter({
    commit: () => {
      calls++;
      if (calls === 1) throw new Error("not connected");
      return Promise.resolve();
    },
    onCommitted: () => {},
    onError: (error) => errors.push(error),
  });
  committer.add(offset(0, 1));
  await committer.settled();
  committer.add(offset(0, 2));
  await committer.settled();
  assert.equal(calls, 2);
  assert.equal(errors.length, 1);
});

Deno.test("an offset added just as the last commit ends is still sent, and settled waits for it", async () => {
  const { requests, commit } = heldCommits();
  const committed: PartitionOffset[][] = [];
  const committer = createOffsetCommitter({
    commit,
    onCommitted: (offsets) => committed.push(offsets),
    onError: (error) => assert.fail(`unexpected ${error}`),
  });
  committer.add(offset(0, 1));
  requests[0].answer();
  // Runs after the commit loop found nothing waiting, before the committer has noticed it ended.
  queueMicrotask(() => committer.add(offset(0, 2)));
  const settled = committer.settled();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(requests.map((r) => r.offsets), [[offset(0, 1)], [offset(0, 2)]]);
  requests[1].answer();
  await settled;
  assert.deepEqual(committed, [[offset(0, 1)], [offset(0, 2)]]);
});
