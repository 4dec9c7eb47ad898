/** A refused or failed request, said plainly, with the way back. */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Check } from "../../domain/policy";
import { Layout, type PageContext } from "../layout";

export interface ErrorView {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  issues?: { path: string; message: string }[];
  /** A promotion gate's checks, each passed or failed. */
  checks?: Check[];
  requestId?: string;
}

const TITLES: Record<number, string> = {
  400: "That input was not accepted",
  403: "Not allowed",
  404: "Not found",
  409: "That conflicts with the current state",
  412: "Someone changed this meanwhile",
  413: "Too large",
  422: "Refused by a rule",
  500: "Something went wrong",
};

export function ErrorPage(props: { ctx: PageContext; error: ErrorView; back?: string }) {
  const { error } = props;
  return (
    <Layout title={TITLES[error.status] ?? "Error"} ctx={props.ctx}>
      <div class="page-head">
        <div>
          <div class="crumbs">{`${error.status} · ${error.code}`}</div>
          <h1>{TITLES[error.status] ?? "Error"}</h1>
        </div>
      </div>
      <div class="notice error" role="alert">
        {error.message}
        {error.issues && error.issues.length > 1 && (
          <ul>
            {error.issues.map((i) => (
              <li>{`${i.path || "form"}: ${i.message}`}</li>
            ))}
          </ul>
        )}
      </div>
      {error.checks && (
        <div class="table-wrap section">
          <table>
            <thead>
              <tr>
                <th>Check</th>
                <th>Result</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {error.checks.map((check) => (
                <tr>
                  <td>
                    <code>{check.name}</code>
                  </td>
                  <td>{check.passed ? <span class="badge ready">passed</span> : <span class="badge failed">failed</span>}</td>
                  <td>{check.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error.requestId && <p class="muted small">Request id: <code>{error.requestId}</code></p>}
      <p>
        <a href={props.back ?? "/ui"}>« Back</a>
      </p>
    </Layout>
  );
}
