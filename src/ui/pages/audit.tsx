/** The audit log: who did what, when and why, filtered like GET /v1/audit and paged newest first. */
import type { AuditEvent } from "../../registry/audit";
import { Pager, Time, VersionLink, modelPath } from "../components";
import { Layout, type PageContext } from "../layout";

export interface AuditFilterView {
  model?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
}

const COMMON_ACTIONS = ["ref.*", "ref.move", "ref.rollback", "rollout.*", "rollout.start", "rollout.weight", "rollout.promote", "rollout.abort", "version.*", "model.*", "token.*", "policy.*"];

export function AuditPage(props: { ctx: PageContext; filter: AuditFilterView; cursor?: string; events: AuditEvent[]; next: string | null }) {
  const { ctx, filter } = props;
  const filtered = Object.values(filter).some(Boolean);
  return (
    <Layout title="Audit log" ctx={ctx} section="audit">
      <div class="page-head">
        <div>
          <h1>Audit log</h1>
          <p class="muted">Every change, with who made it and why. Events are never edited or deleted.</p>
        </div>
      </div>
      <form method="get" action="/ui/audit" class="panel filters" role="search">
        <div>
          <label for="f-model">Model</label>
          <input type="text" id="f-model" name="model" value={filter.model ?? ""} placeholder="flight_delay" />
        </div>
        <div>
          <label for="f-actor">Actor</label>
          <input type="text" id="f-actor" name="actor" value={filter.actor ?? ""} placeholder="token name" />
        </div>
        <div>
          <label for="f-action">Action</label>
          <input type="text" id="f-action" name="action" value={filter.action ?? ""} placeholder="ref.*" list="audit-actions" />
          <datalist id="audit-actions">
            {COMMON_ACTIONS.map((a) => (
              <option value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label for="f-since">Since (UTC day)</label>
          <input type="date" id="f-since" name="since" value={filter.since ?? ""} />
        </div>
        <div>
          <label for="f-until">Until (UTC day)</label>
          <input type="date" id="f-until" name="until" value={filter.until ?? ""} />
        </div>
        <div class="fields">
          <div class="tight">
            <button type="submit">Filter</button>
          </div>
          {filtered && (
            <div class="tight">
              <a href="/ui/audit">Clear</a>
            </div>
          )}
        </div>
      </form>
      {props.events.length === 0 ? (
        <div class="panel empty-state">No events match.</div>
      ) : (
        <AuditTable ctx={ctx} events={props.events} showModel />
      )}
      <Pager base="/ui/audit" params={{ ...filter }} next={props.next} onLaterPage={props.cursor !== undefined} label="Older events" />
    </Layout>
  );
}

export function AuditTable(props: { ctx: PageContext; events: AuditEvent[]; showModel: boolean }) {
  if (props.events.length === 0) return <div class="panel empty-state">No events.</div>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Actor</th>
            <th>Action</th>
            {props.showModel && <th>Model</th>}
            <th>Version</th>
            <th>Ref</th>
            <th>Reason</th>
            <th class="hide-sm">Change</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((e) => (
            <tr>
              <td class="nowrap">
                <Time iso={e.at} nowMs={props.ctx.nowMs} />
                <span class="sub mono" title="request id">
                  {e.request_id.slice(0, 8)}
                </span>
              </td>
              <td>{e.actor}</td>
              <td class="nowrap">
                <code>{e.action}</code>
              </td>
              {props.showModel && <td>{e.model ? <a href={modelPath(e.model)}>{e.model}</a> : <span class="muted">—</span>}</td>}
              <td class="nowrap">{e.model && e.version !== null ? <VersionLink model={e.model} number={e.version} /> : <span class="muted">—</span>}</td>
              <td>{e.ref ?? <span class="muted">—</span>}</td>
              <td class="wide">{e.reason || <span class="muted">—</span>}</td>
              <td class="hide-sm">
                <Change before={e.before} after={e.after} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Change(props: { before: unknown; after: unknown }) {
  if (props.before === null && props.after === null) return <span class="muted">—</span>;
  return (
    <details>
      <summary class="small">details</summary>
      <pre class="json">{`before: ${JSON.stringify(props.before)}\nafter:  ${JSON.stringify(props.after)}`}</pre>
    </details>
  );
}
