/** Bad frames for fault injection: each kind is one way a real feed or a broken proxy can fail. */

/** The kinds of bad frame, in the order the simulator cycles through them. */
export const MALFORMED_KINDS = [
  "invalid-json",
  "missing-field",
  "negative-price",
  "non-numeric-qty",
  "unknown-event",
  "oversized",
  "zero-qty",
  "too-many-decimals",
  "time-in-seconds",
  "not-an-object",
] as const;

/** One of {@link MALFORMED_KINDS}. */
export type MalformedKind = typeof MALFORMED_KINDS[number];

/** Characters of padding in an oversized frame: above the pipeline's 64 KiB frame limit. */
const OVERSIZED_PADDING = 65 * 1024;

/**
 * A bad frame of `kind` made from the good raw trade `frame` (the object of a `/ws` frame),
 * wrapped as `{"stream":…,"data":…}` when `stream` is given.
 */
export function malformedFrame(
  kind: MalformedKind,
  frame: Record<string, unknown>,
  stream?: string,
): string {
  const wrap = (data: unknown) => JSON.stringify(stream === undefined ? data : { stream, data });
  switch (kind) {
    case "invalid-json": {
      const text = wrap(frame);
      return text.slice(0, Math.floor(text.length / 2));
    }
    case "missing-field": {
      const { p: _price, ...rest } = frame;
      return wrap(rest);
    }
    case "negative-price":
      return wrap({ ...frame, p: `-${frame.p}` });
    case "non-numeric-qty":
      return wrap({ ...frame, q: "abc" });
    case "unknown-event":
      return wrap({ ...frame, e: "tradeX" });
    case "oversized":
      return wrap({ ...frame, padding: "x".repeat(OVERSIZED_PADDING) });
    case "zero-qty":
      return wrap({ ...frame, q: "0.00000000" });
    case "too-many-decimals":
      return wrap({ ...frame, p: `${frame.p}1` });
    case "time-in-seconds":
      return wrap({ ...frame, T: Math.floor(Number(frame.T) / 1000) });
    case "not-an-object":
      return wrap([frame]);
  }
}
