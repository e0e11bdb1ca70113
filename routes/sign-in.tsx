/**
 * `GET /sign-in`: the form that signs a browser in to a dashboard with `DASHBOARD_READ_TOKEN`;
 * `POST /sign-in` (`token`, `next`): on the right token, sets the session cookie (HttpOnly,
 * Secure, SameSite=Lax) and goes on to `next`, a path of this dashboard.
 */
import type { Handler, PageProps } from "../fresh/compat.ts";
import type { DashboardState } from "../web/dashboard_state.ts";
import { sameSecret } from "../web/admin_token.ts";
import { mayRead, sessionCookie } from "../web/read_access.ts";
import { boundedBody } from "../web/api_params.ts";

interface SignInData {
  next: string;
  refused: boolean;
}

/** `next` when it is a path of this dashboard, else `/`: no sign-in sends a user elsewhere. */
function localPath(next: string | null): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : "/";
}

export const handler: Record<"GET" | "POST", Handler<DashboardState>> = {
  async GET(request, { url, state, render }) {
    const next = localPath(url.searchParams.get("next"));
    // Public, or signed in already: on to the page.
    if (
      state.readToken === undefined ||
      await mayRead(request, state.readToken, state.adminToken, Date.now())
    ) {
      return new Response(null, { status: 303, headers: { location: next } });
    }
    return render({ next, refused: false } satisfies SignInData);
  },
  async POST(request, { state, render }) {
    if (state.readToken === undefined) {
      return new Response("this dashboard is public: there is nothing to sign in to\n", {
        status: 404,
      });
    }
    // A bounded body, as every other write: a form of a token and a path is small.
    const form = new URLSearchParams(
      await boundedBody(request, "application/x-www-form-urlencoded"),
    );
    const token = form.get("token");
    const next = localPath(form.get("next"));
    if (token === null || !await sameSecret(token, state.readToken)) {
      return render({ next, refused: true } satisfies SignInData, { status: 401 });
    }
    return new Response(null, {
      status: 303,
      headers: { location: next, "set-cookie": await sessionCookie(state.readToken, Date.now()) },
    });
  },
};

/** The sign-in form: one field, posted without script. */
export default function SignIn({ data }: PageProps<SignInData>) {
  return (
    <main class="sign-in">
      <form method="post" action="/sign-in">
        <h1>Crypto trades</h1>
        <p>This dashboard is private. Sign in with its read token.</p>
        <label for="token">Read token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          autofocus
        />
        <input type="hidden" name="next" value={data.next} />
        {data.refused && <p role="alert" class="sign-in-refused">That is not the read token.</p>}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
