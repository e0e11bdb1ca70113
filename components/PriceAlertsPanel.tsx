/**
 * Users' price alerts on the page: the newest alerts (just arrived ones highlighted), the rules
 * set, and, when the dashboard has an admin token, the form to add rules and buttons to delete
 * them, both through the API client of `ui/price_rules_client.ts`.
 */
import { useEffect, useState } from "preact/hooks";
import PriceRuleForm from "./PriceRuleForm.tsx";
import type { PriceAlertsView, PriceRuleView } from "../domain/dashboard_views.ts";
import type { PriceRuleBody } from "../domain/price_rule.ts";
import { formatCount, formatTime } from "../ui/format.ts";
import { describeAlert, describeRule } from "../ui/price_rule_text.ts";
import type { ApiAnswer } from "../ui/price_rules_client.ts";
import {
  createPriceRule,
  deletePriceRule,
  savedToken,
  saveToken,
} from "../ui/price_rules_client.ts";
import { useJustArrived } from "../ui/use_just_arrived.ts";

/** Props of {@link PriceAlertsPanel}. */
export interface PriceAlertsPanelProps {
  view: PriceAlertsView;
  symbols: string[];
  /** The symbol shown in the tabs, which a new rule is for unless the user picks another. */
  symbol: string;
  /** The dashboard has an admin token: rules may be changed from the page. */
  writable: boolean;
  /** Decimals to show a symbol's prices with, given prices at hand. */
  priceDecimals: (symbol: string, prices: string[]) => number;
  /** A change the API confirmed, applied before the stream brings it. */
  onChange: (change: { created: PriceRuleView } | { deleted: string }) => void;
}

/** The panel. */
export default function PriceAlertsPanel(props: PriceAlertsPanelProps) {
  const { view, writable, priceDecimals } = props;
  const justArrived = useJustArrived(view.alerts.map((alert) => alert.id));
  const [token, setToken] = useState("");
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  useEffect(() => setToken(savedToken()), []);
  const keepToken = (value: string) => {
    setToken(value);
    saveToken(value);
  };
  /** Shows a refusal; true when the call succeeded. */
  const succeeded = <T,>(answer: ApiAnswer<T>): answer is { ok: true; value: T } => {
    if (!answer.ok) setMessage({ error: true, text: answer.message });
    return answer.ok;
  };
  const remove = async (rule: PriceRuleView) => {
    if (succeeded(await deletePriceRule(rule.id, token))) {
      props.onChange({ deleted: rule.id });
      setMessage({ error: false, text: `Deleted: ${describeRule(rule, decimals(rule))}` });
    }
  };
  const create = async (body: PriceRuleBody) => {
    const answer = await createPriceRule(body, token);
    if (!succeeded(answer)) return false;
    props.onChange({ created: answer.value });
    setMessage({
      error: false,
      text: `Added: ${describeRule(answer.value, decimals(answer.value))}`,
    });
    return true;
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
                class={justArrived.has(alert.id) ? "fresh" : ""}
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
          <PriceRuleForm
            symbols={props.symbols}
            symbol={props.symbol}
            token={token}
            onToken={keepToken}
            onSubmit={create}
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
