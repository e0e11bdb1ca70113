/** The theme switch of the top bar: one button, pressed while the dark theme is shown. */
import { chooseTheme, type Theme } from "../ui/theme.ts";

/** Props of {@link ThemeToggle}. */
export interface ThemeToggleProps {
  theme: Theme;
  /** Told the theme now shown, after the page took it. */
  onChange: (theme: Theme) => void;
}

/** "Dark theme", pressed or not; a click shows the other theme and keeps it for next time. */
export default function ThemeToggle({ theme, onChange }: ThemeToggleProps) {
  return (
    <button
      type="button"
      class="theme-toggle"
      aria-pressed={theme === "dark"}
      onClick={() => {
        const next = theme === "dark" ? "light" : "dark";
        chooseTheme(next);
        onChange(next);
      }}
    >
      Dark theme
    </button>
  );
}
