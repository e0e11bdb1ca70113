/**
 * The form for a new price rule: symbol, kind, direction, level or move and window, how often
 * it fires, and the admin token, sent as the API takes them.
 */
import { useEffect, useState } from "preact/hooks";
import type { PriceDirection, PriceRuleBody, PriceRuleKind } from "../domain/price_rule.ts";
import { MOVE_WINDOWS } from "../ui/price_rule_text.ts";

/** Props of {@link PriceRuleForm}. */
export interface PriceRuleFormProps {
  symbols: string[];
  symbol: string;
  token: string;
  onToken: (token: string) => void;
  /** Sends the rule; resolves true once it was created. */
  onSubmit: (body: PriceRuleBody) => Promise<boolean>;
}

/** The fields of a new rule, sent as the API takes them. */
export default function PriceRuleForm(
  { symbols, symbol, token, onToken, onSubmit }: PriceRuleFormProps,
) {
  const [ruleSymbol, setRuleSymbol] = useState(symbol);
  useEffect(() => setRuleSymbol(symbol), [symbol]);
  const [kind, setKind] = useState<PriceRuleKind>("crosses");
  const [direction, setDirection] = useState<PriceDirection>("any");
  const [level, setLevel] = useState("");
  const [percent, setPercent] = useState("");
  const [moveWindow, setMoveWindow] = useState<string>("5m");
  const [frequency, setFrequency] = useState("every");
  const [sending, setSending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    const body: PriceRuleBody = kind === "crosses"
      ? { symbol: ruleSymbol, kind, direction, level, frequency }
      : { symbol: ruleSymbol, kind, direction, percent, window: moveWindow, frequency };
    try {
      if (await onSubmit(body)) {
        setLevel("");
        setPercent("");
      }
    } finally {
      setSending(false);
    }
  };
  return (
    <form class="rule-form" onSubmit={submit}>
      <Select
        label="Symbol"
        name="symbol"
        value={ruleSymbol}
        options={symbols.map((s) => [s, s])}
        onChange={setRuleSymbol}
      />
      <Select
        label="Alert when it"
        name="kind"
        value={kind}
        options={[["crosses", "crosses a price"], ["moves", "moves by a percentage"]]}
        onChange={(v) => setKind(v as PriceRuleKind)}
      />
      <Select
        label="Way"
        name="direction"
        value={direction}
        options={[["any", "either way"], ["up", "up"], ["down", "down"]]}
        onChange={(v) => setDirection(v as PriceDirection)}
      />
      {kind === "crosses"
        ? <Field label="Price" name="level" value={level} onInput={setLevel} />
        : (
          <>
            <Field label="Percent" name="percent" value={percent} onInput={setPercent} />
            <Select
              label="Within"
              name="window"
              value={moveWindow}
              options={MOVE_WINDOWS.map((w) => [w, w])}
              onChange={setMoveWindow}
            />
          </>
        )}
      <Select
        label="Alert"
        name="frequency"
        value={frequency}
        options={[
          ["every", "every time"],
          ["once", "only once"],
          ...MOVE_WINDOWS.map((w): [string, string] => [w, `at most once per ${w}`]),
        ]}
        onChange={setFrequency}
      />
      <Field label="Admin token" name="token" value={token} onInput={onToken} secret />
      <button type="submit" disabled={sending}>Add rule</button>
    </form>
  );
}

/** The text of the form control an event came from. */
function valueOf(event: Event): string {
  return (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
}

/** A labelled choice among `options` (value, words). */
function Select(props: {
  label: string;
  name: string;
  value: string;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label}{" "}
      <select name={props.name} value={props.value} onChange={(e) => props.onChange(valueOf(e))}>
        {props.options.map(([value, words]) => <option key={value} value={value}>{words}</option>)}
      </select>
    </label>
  );
}

/** A labelled text field: a decimal amount, or a secret kept from view and autocomplete. */
function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (value: string) => void;
  secret?: boolean;
}) {
  return (
    <label>
      {props.label}{" "}
      <input
        name={props.name}
        value={props.value}
        onInput={(e) => props.onInput(valueOf(e))}
        {...(props.secret
          ? { type: "password", autoComplete: "off" }
          : { inputMode: "decimal", required: true })}
      />
    </label>
  );
}
