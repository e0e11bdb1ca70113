/**
 * The chart's view and the page's theme, kept in the page's address: each change writes the
 * query a copied link needs (`linkQuery`), as a new history entry when the symbol, interval,
 * indicators, theme or live-or-past changed, in place while the view only moves; back and
 * forward restore what the address holds. A theme is in the address once the link asked for one
 * or the user chose one; otherwise the viewer's own applies.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { type ChartView, linkedView, linkQuery } from "./chart_view.ts";
import { chooseTheme, shownTheme, type Theme } from "./theme.ts";

/** The view and theme, and how the page changes them. */
export interface LinkedView {
  view: ChartView;
  setView: (change: (view: ChartView) => ChartView) => void;
  /** The theme shown (light on the server, before `static/theme.js` ran). */
  theme: Theme;
  /** Shows `theme`, keeps it as the user's choice and puts it in the address. */
  toggleTheme: (theme: Theme) => void;
}

/** Starts from `start` (the server read it from the address); `symbols` are those configured. */
export function useLinkedView(start: ChartView, symbols: readonly string[]): LinkedView {
  const [view, setView] = useState(start);
  const [theme, setTheme] = useState<Theme>("light");
  const [linkTheme, setLinkTheme] = useState<Theme>();
  const written = useRef<ChartView & { theme?: Theme }>();
  // Set by back or forward: the address is the one shown, so nothing is pushed over the entries
  // ahead of it (at most the same address is written again, as the page reads it).
  const restored = useRef(false);

  useEffect(() => {
    setTheme(shownTheme());
    const asked = new URLSearchParams(location.search).get("theme");
    if (asked === "dark" || asked === "light") setLinkTheme(asked);
    const restore = () => {
      const linked = linkedView(new URLSearchParams(location.search), symbols, start.symbol);
      written.current = { ...linked.view, theme: linked.theme };
      restored.current = true;
      setView(linked.view);
      setLinkTheme(linked.theme);
      if (linked.theme) {
        // As the link asks, without keeping it as the user's choice.
        document.documentElement.dataset.theme = linked.theme;
        setTheme(linked.theme);
      }
    };
    addEventListener("popstate", restore);
    return () => removeEventListener("popstate", restore);
  }, []);

  useEffect(() => {
    const query = `?${linkQuery({ view, theme: linkTheme })}`;
    const restoring = restored.current;
    restored.current = false;
    if (query === location.search) return;
    const before = written.current;
    const moved = before !== undefined && before.symbol === view.symbol &&
      before.interval === view.interval && before.indicators === view.indicators &&
      before.theme === linkTheme && (before.range === "live") === (view.range === "live");
    const replace = moved || restoring || before === undefined;
    history[replace ? "replaceState" : "pushState"](null, "", query);
    written.current = { ...view, theme: linkTheme };
  }, [view, linkTheme]);

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
