/**
 * The chart's view and the page's theme, kept in the page's address: each change writes the
 * query a copied link needs (`linkQuery`), as a new history entry when the symbol, interval,
 * indicators, theme or live-or-past changed, in place while the view only moves; back and
 * forward restore what the address holds. A theme is in the address once the link asked for one
 * or the user chose one; otherwise the viewer's own applies.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { type ChartView, type Linked, linkedView, linkQuery } from "./chart_view.ts";
import { applyPageTheme, chooseTheme, shownTheme, type Theme } from "./theme.ts";

/** The view and theme, and how the page changes them. */
export interface LinkedView {
  view: ChartView;
  setView: (change: (view: ChartView) => ChartView) => void;
  /** The theme shown (light on the server, before `static/theme.js` ran). */
  theme: Theme;
  /** Shows `theme`, keeps it as the user's choice and puts it in the address. */
  toggleTheme: (theme: Theme) => void;
}

/** Moves of the view write the address at most this often (ms), the last one always. */
const REPLACE_EVERY_MS = 300;

/** Starts from `start` (the server read it from the address); `symbols` are those configured. */
export function useLinkedView(start: Linked, symbols: readonly string[]): LinkedView {
  const [view, setView] = useState(start.view);
  const [theme, setTheme] = useState<Theme>("light");
  const [linkTheme, setLinkTheme] = useState(start.theme);
  const written = useRef<ChartView & { theme?: Theme }>();
  // Set by back or forward: the address is the one shown, so nothing is pushed over the entries
  // ahead of it (at most the same address is written again, as the page reads it).
  const restored = useRef(false);
  // Back and forward taken so far. A render's state is stale once another came after it: a
  // second back before the first one's effect ran must not write the first one's view over the
  // entry now shown, nor push it over the entries ahead.
  const restores = useRef(0);
  const renderedAfter = restores.current;
  const pending = useRef<{ timer: ReturnType<typeof setTimeout>; query: string }>();

  useEffect(() => {
    setTheme(shownTheme());
    const restore = () => {
      // A move not yet written belongs to the entry left behind.
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = undefined;
      const linked = linkedView(new URLSearchParams(location.search), symbols, start.view.symbol);
      written.current = { ...linked.view, theme: linked.theme };
      restored.current = true;
      restores.current++;
      setView(linked.view);
      setLinkTheme(linked.theme);
      setTheme(applyPageTheme());
    };
    addEventListener("popstate", restore);
    return () => removeEventListener("popstate", restore);
  }, []);

  useEffect(() => {
    if (renderedAfter !== restores.current) return; // the restored state's own render follows
    const query = `?${linkQuery({ view, theme: linkTheme })}`;
    const restoring = restored.current;
    restored.current = false;
    if (query === (pending.current?.query ?? location.search)) return;
    const before = written.current;
    written.current = { ...view, theme: linkTheme };
    const moved = before !== undefined && before.symbol === view.symbol &&
      before.interval === view.interval && before.indicators === view.indicators &&
      before.theme === linkTheme && (before.range === "live") === (view.range === "live");
    if (restoring || before === undefined) {
      history.replaceState(null, "", query);
    } else if (moved) {
      // Dragging, or holding a key down, moves the view many times a second.
      if (pending.current) pending.current.query = query;
      else {
        const timer = setTimeout(() => {
          history.replaceState(null, "", pending.current!.query);
          pending.current = undefined;
        }, REPLACE_EVERY_MS);
        pending.current = { timer, query };
      }
    } else {
      // A move not yet written goes to the entry it was made on, before the new one is pushed.
      if (pending.current) {
        clearTimeout(pending.current.timer);
        history.replaceState(null, "", pending.current.query);
      }
      pending.current = undefined;
      history.pushState(null, "", query);
    }
  }, [view, linkTheme, renderedAfter]);
  return {
    view,
    setView,
    theme,
    toggleTheme: (next) => {
      chooseTheme(next);
      setTheme(next);
      setLinkTheme(next);
    },
  };
}
