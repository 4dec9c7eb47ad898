/** Sign-in: paste a token (any role); it is checked exactly as the API checks a bearer token. */
import { CsrfField, Layout, type PageContext } from "../layout";

export function LoginPage(props: { ctx: PageContext; next: string; error?: string }) {
  return (
    <Layout title="Sign in" ctx={props.ctx}>
      <div class="login">
        <form method="post" action="/ui/login" class="panel">
          <h1>Sign in to edgereg</h1>
          <p class="muted small">
            Paste an edgereg token. Readers see the registry; admins also roll back, run rollouts and read the audit log.
          </p>
          {props.error && <div class="notice error" role="alert">{props.error}</div>}
          <CsrfField token={props.ctx.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <div>
            <label for="token">Token</label>
            <input type="password" id="token" name="token" required autocomplete="current-password" placeholder="er_…" autofocus />
          </div>
          <button type="submit">Sign in</button>
          <p class="muted small">You stay signed in for twelve hours, until you sign out, or until the token is revoked.</p>
        </form>
      </div>
    </Layout>
  );
}
