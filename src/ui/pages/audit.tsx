/** The audit log: who did what, when and why, filtered like GET /v1/audit and paged newest first. */
import type { AuditEvent } from "../../registry/audit";
import { Pager, Time, VersionLink, modelPath } from "../components";
import { diffRows, flatten } from "../diff";
import { Layout, type PageContext } from "../layout";

export interface AuditFilterView {
  model?: string;
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
}

/** The quick filters: one per family of actions. */
const FAMILIES = ["ref.*", "rollout.*", "version.*", "model.*", "token.*", "policy.*", "webhook.*", "upload.*", "drift.*"];

/** A rollout's two arms, so its audit rows name stable and candidate alike whichever one the event recorded. */
export type RolloutArms = Record<string, { stable: number; candidate: number }>;

const COMMON_ACTIONS = ["ref.*", "ref.move", "ref.rollback", "rollout.*", "rollout.start", "rollout.weight", "rollout.promote", "rollout.abort", "version.*", "model.*", "token.*", "policy.*"];

export function AuditPage(props: { ctx: PageContext; filter: AuditFilterView; cursor?: string; events: AuditEvent[]; next: string | null; arms?: RolloutArms }) {
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
      <nav class="tabs" aria-label="Action family">
        <a href={familyHref(filter, undefined)} aria-current={!filter.action ? "true" : undefined}>
          all
        </a>
        {FAMILIES.map((f) => (
          <a href={familyHref(filter, f)} aria-current={filter.action === f ? "true" : undefined}>
            {f.replace(".*", "")}
          </a>
        ))}
      </nav>
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
        <AuditTable ctx={ctx} events={props.events} showModel arms={props.arms} />
      )}
      <Pager base="/ui/audit" params={{ ...filter }} next={props.next} onLaterPage={props.cursor !== undefined} label="Older events" />
    </Layout>
  );
}

/** The audit page with one family's filter, keeping the other filters. */
function familyHref(filter: AuditFilterView, family: string | undefined): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, action: family })) if (v) query.set(k, v);
  const text = query.toString();
  return text ? `/ui/audit?${text}` : "/ui/audit";
}

export function AuditTable(props: { ctx: PageContext; events: AuditEvent[]; showModel: boolean; arms?: RolloutArms }) {
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
              <td class="nowrap">
                <EventVersion event={e} arms={props.arms} />
              </td>
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

/** An event about a rollout names both arms (whichever one it recorded as its version); any other event its version. */
function EventVersion(props: { event: AuditEvent; arms?: RolloutArms }) {
  const e = props.event;
  const id = rolloutIdOf(e);
  const arms = id ? props.arms?.[id] : undefined;
  if (e.model && arms) {
    return (
      <span data-arms={`${arms.stable}-${arms.candidate}`}>
        <span class="sub">stable</span>
        <VersionLink model={e.model} number={arms.stable} />
        <span class="sub">candidate</span>
        <VersionLink model={e.model} number={arms.candidate} />
      </span>
    );
  }
  return e.model && e.version !== null ? <VersionLink model={e.model} number={e.version} /> : <span class="muted">—</span>;
}

/** The rollout an event is about (rollout.* events, and the ref changes a rollout made), from its before or after. */
export function rolloutIdOf(e: Pick<AuditEvent, "before" | "after">): string | null {
  for (const side of [e.after, e.before]) {
    const id = side && typeof side === "object" ? (side as Record<string, unknown>).rollout_id : undefined;
    if (typeof id === "string") return id;
  }
  return null;
}

/** Before and after as a list of changed fields: old value struck through, new one after the arrow. */
function Change(props: { before: unknown; after: unknown }) {
  const rows = diffRows(props.before, props.after);
  if (rows.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="diff">
      {rows.map((r) => (
        <li data-kind={r.kind}>
          {r.path && <code class="key">{r.path}</code>}
          {r.before !== undefined && r.kind === "changed" ? <del>{r.before}</del> : r.before !== undefined ? <span class="muted">{`was ${r.before}`}</span> : ""}
          {r.kind === "changed" ? " → " : ""}
          {r.after !== undefined && <ins>{r.after}</ins>}
        </li>
      ))}
    </ul>
  );
}

/** A recorded object (a rollback's evidence) as path: value lines. */
export function EvidenceList(props: { value: unknown }) {
  const entries = [...flatten(props.value)];
  return (
    <ul class="diff">
      {entries.map(([path, value]) => (
        <li>
          {path && <code class="key">{path}</code>}
          {value}
        </li>
      ))}
    </ul>
  );
}
