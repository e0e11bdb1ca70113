/**
 * Users' price alerts on the page: the newest alerts (just arrived ones highlighted), the rules
 * set, and, when the dashboard has an admin token, a form to add rules and buttons to delete
 * them, both through `/api/price-rules` with the token the user types (kept for the tab).
 */
import { useEffect, useState } from "preact/hooks";
import type { PriceAlertsView, PriceRuleView } from "../domain/dashboard_views.ts";
import type { PriceDirection, PriceRuleBody, PriceRuleKind } from "../domain/price_rule.ts";
import { formatCount, formatTime } from "../ui/format.ts";
import { describeAlert, describeRule, MOVE_WINDOWS } from "../ui/price_rule_text.ts";

/** Props of {@link PriceAlertsPanel}. */
export interface PriceAlertsPanelProps {
  view: PriceAlertsView;
  symbols: string[];
  /** The symbol shown in the tabs, which a new rule is for unless the user picks another. */
  symbol: string;
  /** The dashboard has an admin token: rules may be changed from the page. */
  writable: boolean;
  /** Ids of the alerts to highlight as just arrived. */
  fresh: readonly string[];
  /** Decimals to show a symbol's prices with, given prices at hand. */
  priceDecimals: (symbol: string, prices: string[]) => number;
  /** A change the API confirmed, applied before the stream brings it. */
  onChange: (change: { created: PriceRuleView } | { deleted: string }) => void;
}

/** Where the typed token is kept, for this tab only. */
const TOKEN_KEY = "dashboard-admin-token";

/** The panel. */
export default function PriceAlertsPanel(props: PriceAlertsPanelProps) {
  const { view, writable, fresh, priceDecimals } = props;
  const [token, setToken] = useState("");
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  useEffect(() => setToken(sessionStorage.getItem(TOKEN_KEY) ?? ""), []);
  const keepToken = (value: string) => {
    setToken(value);
    sessionStorage.setItem(TOKEN_KEY, value);
  };
  /** The API's answer when it is a success; otherwise its refusal is shown, undefined. */
  const call = async (path: string, init: RequestInit) => {
    const headers = { ...init.headers, authorization: `Bearer ${token}` };
    try {
      const response = await fetch(path, { ...init, headers });
      if (response.ok) return response;
      setMessage({ error: true, text: (await response.text()).trim() });
    } catch {
      setMessage({ error: true, text: "The dashboard did not answer; try again." });
    }
    return undefined;
  };
  const remove = async (rule: PriceRuleView) => {
    if (await call(`/api/price-rules/${rule.id}`, { method: "DELETE" })) {
      props.onChange({ deleted: rule.id });
      setMessage({ error: false, text: `Deleted: ${describeRule(rule, decimals(rule))}` });
    }
  };
  const decimals = (rule: PriceRuleView) =>
    priceDecimals(rule.symbol, rule.level === null ? [] : [rule.level]);

  return (
    <section class="price-alerts">
      <h2>Price alerts</h2>
      {view.alerts.length === 0
        ? <p class="note">No price alert has fired yet.</p>
        : (
          <ul class="fired">
            {view.alerts.map((alert) => (
              <li
                key={alert.id}
                class={fresh.includes(alert.id) ? "fresh" : ""}
                data-alert-id={alert.id}
              >
                <time datetime={alert.time}>{formatTime(alert.time)}</time> {describeAlert(
                  alert,
                  priceDecimals(alert.symbol, [alert.price, alert.close, alert.reference]),
                )}
              </li>
            ))}
          </ul>
        )}
      <h3>Rules</h3>
      {view.rules.length === 0 ? <p class="note">No price rule is set.</p> : (
        <ul class="rules">
          {view.rules.map((rule) => (
            <li key={rule.id} data-rule-id={rule.id}>
              {describeRule(rule, decimals(rule))}{" "}
              <span class="note">
                {rule.firedCount === 0
                  ? "has not fired"
                  : `fired ${formatCount(rule.firedCount)} ${
                    rule.firedCount === 1 ? "time" : "times"
                  }, last ${formatTime(rule.lastFiredAt!)}`}
              </span>
              {writable && (
                <button type="button" class="delete" onClick={() => remove(rule)}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {writable
        ? (
          <RuleForm
            symbols={props.symbols}
            symbol={props.symbol}
            token={token}
            onToken={keepToken}
            onSubmit={async (body) => {
              const response = await call("/api/price-rules", {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(body),
              });
              if (!response) return false;
              const { rule } = await response.json() as { rule: PriceRuleView };
              props.onChange({ created: rule });
              setMessage({ error: false, text: `Added: ${describeRule(rule, decimals(rule))}` });
              return true;
            }}
          />
        )
        : (
          <p class="note">
            Read-only: this dashboard has no DASHBOARD_ADMIN_TOKEN, so rules are set elsewhere.
          </p>
        )}
      {message && (
        <p class={message.error ? "alert" : "note"} role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
    </section>
  );
}

/** Props of {@link RuleForm}. */
interface RuleFormProps {
  symbols: string[];
  symbol: string;
  token: string;
  onToken: (token: string) => void;
  /** Sends the rule; resolves true once it was created. */
  onSubmit: (body: PriceRuleBody) => Promise<boolean>;
}

/** The fields of a new rule, sent as the API takes them. */
function RuleForm({ symbols, symbol, token, onToken, onSubmit }: RuleFormProps) {
  const [ruleSymbol, setRuleSymbol] = useState(symbol);
  useEffect(() => setRuleSymbol(symbol), [symbol]);
  const [kind, setKind] = useState<PriceRuleKind>("crosses");
  const [direction, setDirection] = useState<PriceDirection>("any");
  const [level, setLevel] = useState("");
  const [percent, setPercent] = useState("");
  const [window, setWindow] = useState<string>("5m");
  const [sending, setSending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setSending(true);
    const body: PriceRuleBody = kind === "crosses"
      ? { symbol: ruleSymbol, kind, direction, level }
      : { symbol: ruleSymbol, kind, direction, percent, window };
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
              value={window}
              options={MOVE_WINDOWS.map((w) => [w, w])}
              onChange={setWindow}
            />
          </>
        )}
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
