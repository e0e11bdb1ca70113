/// <reference lib="dom" />
/**
 * The page's light or dark theme: on `<html data-theme>`, set before the first paint by
 * `static/theme.js` (the user's kept choice, else the system's) and changed by the toggle, which
 * keeps the choice in localStorage for the next visit.
 */

/** A theme of the page. */
export type Theme = "light" | "dark";

/** The key `static/theme.js` reads the kept choice from. */
const STORAGE_KEY = "theme";

/** The theme the page shows now (light before `static/theme.js` ran, as on the server). */
export function shownTheme(): Theme {
  return globalThis.document?.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

/**
 * Puts on the page the theme its address asks for, else the user's kept choice, else the
 * system's (`static/theme.js` decides, as before the first paint), and answers it.
 */
export function applyPageTheme(): Theme {
  (globalThis as { applyPageTheme?: () => void }).applyPageTheme?.();
  return shownTheme();
}

/** Shows `theme` and keeps it as the user's choice (if the browser lets the page store it). */
export function chooseTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem(STORAGE_KEY, theme);
  } catch {
    // Storage refused (private mode, policy): the choice lasts for this page only.
  }
}
