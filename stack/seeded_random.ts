/** Small seeded random sources, so simulated markets repeat exactly for a given seed. */

/** Returns a number in [0, 1), like `Math.random`. */
export type Random = () => number;

/** The mulberry32 generator: fast, 32-bit state, good enough for simulated trades. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The 32-bit FNV-1a hash of `text`, to derive stable per-name seeds and values. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/** A standard normal sample (Box–Muller) drawn from `random`. */
export function normalSample(random: Random): number {
  // 1 - u keeps the logarithm finite, since `random` may return 0.
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
