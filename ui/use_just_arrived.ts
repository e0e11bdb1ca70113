/** Highlighting what just arrived: keys first seen after the first render, for a few seconds. */
import { useEffect, useRef, useState } from "preact/hooks";

/** How long a key stays highlighted after it arrived. */
export const JUST_ARRIVED_MS = 5_000;

/**
 * The keys of `keys` that were not there at the first render nor at any render since, each
 * for {@link JUST_ARRIVED_MS} from the render that first showed it.
 */
export function useJustArrived(keys: readonly string[]): ReadonlySet<string> {
  const seen = useRef<Set<string>>();
  seen.current ??= new Set(keys);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  const [arrived, setArrived] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const known = seen.current!;
    const fresh = keys.filter((key) => !known.has(key));
    if (fresh.length === 0) return;
    fresh.forEach((key) => known.add(key));
    setArrived((all) => new Set([...all, ...fresh]));
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      setArrived((all) => new Set([...all].filter((key) => !fresh.includes(key))));
    }, JUST_ARRIVED_MS);
    timers.current.add(timer);
  }, [keys.join(",")]);
  useEffect(() => () => timers.current.forEach(clearTimeout), []);
  return arrived;
}
