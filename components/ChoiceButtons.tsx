/** A row of buttons of which one is chosen, such as the symbol tabs and the window selector. */

/** Props of {@link ChoiceButtons}. */
export interface ChoiceButtonsProps<T extends string> {
  /** The CSS class of the row. */
  name: string;
  options: readonly T[];
  chosen: T;
  onChoose: (option: T) => void;
}

/** Buttons for `options`, the chosen one marked `aria-pressed`. */
export default function ChoiceButtons<T extends string>(
  { name, options, chosen, onChoose }: ChoiceButtonsProps<T>,
) {
  return (
    <nav class={name}>
      {options.map((option) => (
        <button
          key={option}
          type="button"
          aria-pressed={option === chosen}
          onClick={() => onChoose(option)}
        >
          {option}
        </button>
      ))}
    </nav>
  );
}
