/** The theme switch of the top bar: one button, pressed while the dark theme is shown. */
import type { Theme } from "../ui/theme.ts";

/** Props of {@link ThemeToggle}. */
export interface ThemeToggleProps {
  theme: Theme;
  /** Told the theme chosen. */
  onChange: (theme: Theme) => void;
}

/** "Dark theme", pressed or not; a click chooses the other theme. */
export default function ThemeToggle({ theme, onChange }: ThemeToggleProps) {
  return (
    <button
      type="button"
      class="theme-toggle"
      aria-pressed={theme === "dark"}
      onClick={() => onChange(theme === "dark" ? "light" : "dark")}
    >
      Dark theme
    </button>
  );
}
