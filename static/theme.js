// Runs before the page paints (a plain script in <head>): puts the theme on <html data-theme>,
// the one the page's address asks for (`?theme=dark`, a shared link), else the one the user chose
// with the page's toggle (kept in localStorage "theme", see ui/theme.ts), else the system's,
// following the system while neither is there.
(() => {
  const root = document.documentElement;
  const system = matchMedia("(prefers-color-scheme: dark)");
  const chosen = () => {
    try {
      return localStorage.getItem("theme");
    } catch {
      return null;
    }
  };
  const apply = () => {
    const linked = new URLSearchParams(location.search).get("theme");
    const theme = linked === "dark" || linked === "light" ? linked : chosen();
    root.dataset.theme = theme === "dark" || theme === "light"
      ? theme
      : system.matches
      ? "dark"
      : "light";
  };
  apply();
  system.addEventListener("change", () => apply());
  // For the page, once back or forward changed the address's theme (ui/theme.ts).
  globalThis.applyPageTheme = apply;
})();
