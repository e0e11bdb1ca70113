/** A row of buttons of which one is chosen, such as the chart's interval selector. */

/** Props of {@link ChoiceButtons}. */
export interface ChoiceButtonsProps<T extends string> {
  /** The CSS class of the row. */
  name: string;
  /** What the row chooses, for screen readers. */
  label: string;
  options: readonly T[];
  chosen: T;
  onChoose: (option: T) => void;
}

/** Buttons for `options`, the chosen one marked `aria-pressed`, in a labelled group. */
export default function ChoiceButtons<T extends string>(
  { name, label, options, chosen, onChoose }: ChoiceButtonsProps<T>,
) {
  return (
    <div class={name} role="group" aria-label={label}>
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
    </div>
  );
}
