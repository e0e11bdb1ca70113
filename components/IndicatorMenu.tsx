/**
 * The chart's indicator menu: a folding list of checkboxes, one per indicator with its usual
 * parameters (SMA 20, EMA 20, Bollinger Bands 20 2, RSI 14, MACD 12 26 9). Other parameters are
 * kept when set through a link (`ind=ema:50`), shown checked under their own key.
 */
import { type IndicatorName, INDICATORS, parseIndicatorSet } from "../domain/indicators.ts";
import { INDICATOR_TITLES } from "../ui/indicator_plot.ts";

/** Props of {@link IndicatorMenu}. */
export interface IndicatorMenuProps {
  /** The set drawn (`ema:20,rsi:14`), empty for none. */
  set: string;
  onChange: (set: string) => void;
}

/** The menu; checking or unchecking an entry adds or removes it, keeping the others' order. */
export default function IndicatorMenu({ set, onChange }: IndicatorMenuProps) {
  const chosen = set === "" ? [] : parseIndicatorSet(set).map((spec) => spec.key);
  const usual = (Object.keys(INDICATORS) as IndicatorName[]).map((name) =>
    parseIndicatorSet(name)[0].key
  );
  const entries = [...usual, ...chosen.filter((key) => !usual.includes(key))];
  const toggle = (key: string, on: boolean) =>
    onChange((on ? [...chosen, key] : chosen.filter((k) => k !== key)).join(","));
  return (
    <details class="indicator-menu">
      <summary>Indicators{chosen.length > 0 && ` (${chosen.length})`}</summary>
      <ul>
        {entries.map((key) => {
          const [name, ...params] = key.split(":");
          return (
            <li key={key}>
              <label>
                <input
                  type="checkbox"
                  name="indicator"
                  value={key}
                  checked={chosen.includes(key)}
                  onChange={(event) => toggle(key, event.currentTarget.checked)}
                />{" "}
                {INDICATOR_TITLES[name as IndicatorName]} {params.join(" ")}
              </label>
            </li>
          );
        })}
      </ul>
    </details>
  );
}
