/**
 * The price-rules API as the page calls it, with the admin token the user typed, kept for the
 * tab only. Each call answers the API's result, or the words to show when it was refused.
 */
import type { PriceRuleView } from "../domain/dashboard_views.ts";
import type { PriceRuleBody } from "../domain/price_rule.ts";

/** What a call came to: the result, or why not, in words for the user. */
export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; message: string };

/** Where the typed token is kept, for this tab only. */
const TOKEN_KEY = "dashboard-admin-token";

/** The token typed earlier in this tab, or "". */
export function savedToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

/** Keeps `token` for this tab. */
export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** `POST /api/price-rules`: the rule as stored. */
export async function createPriceRule(
  body: PriceRuleBody,
  token: string,
): Promise<ApiAnswer<PriceRuleView>> {
  const answer = await call("/api/price-rules", token, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!answer.ok) return answer;
  const { rule } = await answer.value.json() as { rule: PriceRuleView };
  return { ok: true, value: rule };
}

/** `DELETE /api/price-rules/:id`. */
export async function deletePriceRule(id: string, token: string): Promise<ApiAnswer<void>> {
  const answer = await call(`/api/price-rules/${id}`, token, { method: "DELETE" });
  return answer.ok ? { ok: true, value: undefined } : answer;
}

/** The API's response when it succeeded; else its refusal, or that it did not answer. */
async function call(path: string, token: string, init: RequestInit): Promise<ApiAnswer<Response>> {
  const headers = { ...init.headers, authorization: `Bearer ${token}` };
  try {
    const response = await fetch(path, { ...init, headers });
    if (response.ok) return { ok: true, value: response };
    return { ok: false, message: (await response.text()).trim() };
  } catch {
    return { ok: false, message: "The dashboard did not answer; try again." };
  }
}
