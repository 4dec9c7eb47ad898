/** API tokens, for an unscoped admin: list, create (the secret shown once, on the answer page), revoke. */
import type { TokenView } from "../../registry/tokens";
import { ActionForm, Pager, Time } from "../components";
import { Layout, type PageContext } from "../layout";

export const ROLE_HELP: Record<string, string> = {
  reader: "read models, versions, refs, resolve",
  reporter: "a reader that reports observations (a serving client)",
  publisher: "CI: create models and versions, upload, move into Staging through the gate",
  admin: "everything else",
};

export interface TokensPageData {
  tokens: TokenView[];
  includeRevoked: boolean;
  cursor?: string;
  next: string | null;
  /** The token just created, with its secret: shown on this one answer and never again. */
  created: (TokenView & { secret: string }) | null;
  /** The name of the token just revoked. */
  revokedName: string | null;
}

export function TokensPage(props: { ctx: PageContext; data: TokensPageData }) {
  const { ctx, data } = props;
  return (
    <Layout title="Tokens" ctx={ctx} section="tokens">
      <div class="page-head">
        <div>
          <h1>Tokens</h1>
          <p class="muted">Bearer tokens for the API, the CLI and this UI. A secret is shown once, when it is created; the registry keeps only its hash.</p>
        </div>
      </div>
      {data.created && (
        <div class="notice" role="status" data-secret-notice>
          <p>
            <strong>{`Token “${data.created.name}” created (${data.created.role}${data.created.model_glob === "*" ? "" : `, models ${data.created.model_glob}`}).`}</strong>
            {" Copy its secret now: it is not shown again."}
          </p>
          <div class="secret" data-secret>
            {data.created.secret}
          </div>
        </div>
      )}
      {data.revokedName && (
        <div class="notice" role="status">
          {`Token “${data.revokedName}” revoked: it stopped working at once.`}
        </div>
      )}

      <details class="panel start" open={data.tokens.length === 0 ? true : undefined}>
        <summary>
          <strong>Create a token…</strong> <span class="muted small">role, models it may touch, expiry</span>
        </summary>
        <ActionForm action="/ui/tokens" csrf={ctx.csrf} class="section">
          <div class="fields">
            <div>
              <label for="token-name">Name</label>
              <input type="text" id="token-name" name="name" required maxlength={128} placeholder="ci-github" autocomplete="off" />
            </div>
            <div class="tight">
              <label for="token-role">Role</label>
              <select id="token-role" name="role">
                {Object.entries(ROLE_HELP).map(([role, help]) => (
                  <option value={role} selected={role === "reader"} title={help}>
                    {role}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="token-glob">Models (glob)</label>
              <input type="text" id="token-glob" name="model_glob" value="*" maxlength={256} placeholder="fraud-*" />
            </div>
            <div class="tight">
              <label for="token-expires">Expires (UTC day, optional)</label>
              <input type="date" id="token-expires" name="expires" />
            </div>
            <div class="tight">
              <button type="submit">Create token</button>
            </div>
          </div>
          <p class="small muted section">{Object.entries(ROLE_HELP).map(([r, h]) => `${r}: ${h}`).join(" · ")}</p>
        </ActionForm>
      </details>

      <section class="section" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">
          {data.includeRevoked ? "All tokens" : "Active tokens"} <span class="muted">newest first</span>
        </h2>
        <p class="small">
          {data.includeRevoked ? <a href="/ui/tokens">Hide revoked tokens</a> : <a href="/ui/tokens?revoked=1">Show revoked tokens too</a>}
        </p>
        {data.tokens.length === 0 ? (
          <div class="panel empty-state">No tokens yet: the bootstrap admin secret is the only way in.</div>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Role</th>
                  <th>Models</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>Expires</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.tokens.map((t) => (
                  <tr data-token={t.name}>
                    <td>{t.name}</td>
                    <td>
                      <span class="badge neutral">{t.role}</span>
                    </td>
                    <td>
                      <code>{t.model_glob}</code>
                    </td>
                    <td class="nowrap">
                      <Time iso={t.created_at} nowMs={ctx.nowMs} />
                      <span class="sub">{t.created_by}</span>
                    </td>
                    <td class="nowrap">{t.last_used_at ? <Time iso={t.last_used_at} nowMs={ctx.nowMs} /> : <span class="muted">never</span>}</td>
                    <td class="nowrap">{t.expires_at ? <Time iso={t.expires_at} nowMs={ctx.nowMs} /> : <span class="muted">never</span>}</td>
                    <td>
                      {t.revoked_at ? (
                        <span class="badge failed">revoked</span>
                      ) : (
                        <details class="confirm">
                          <summary>Revoke…</summary>
                          <ActionForm action={`/ui/tokens/${encodeURIComponent(t.id)}/revoke`} csrf={ctx.csrf}>
                            <button type="submit" class="danger">{`Revoke “${t.name}” now`}</button>
                          </ActionForm>
                        </details>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pager base="/ui/tokens" params={{ revoked: data.includeRevoked ? "1" : undefined }} next={data.next} onLaterPage={data.cursor !== undefined} label="Older tokens" />
      </section>
    </Layout>
  );
}
