// Runs before the page paints (a plain script in <head>): puts the theme on <html data-theme>,
// the one the user chose with the page's toggle (kept in localStorage "theme", see
// ui/theme.ts), else the system's, following the system while no choice is kept.
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
    const theme = chosen();
    root.dataset.theme = theme === "dark" || theme === "light"
      ? theme
      : system.matches
      ? "dark"
      : "light";
  };
  apply();
  system.addEventListener("change", () => chosen() === null && apply());
})();
