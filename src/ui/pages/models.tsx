/** Every model at a glance: what serves Production and Staging, aliases, a running rollout, the last change. */
import type { ModelView } from "../../registry/models";
import type { ModelSummary, RefSummary } from "../../registry/overview";
import { hasRole } from "../../auth/principal";
import { DeletedTable, Pager, RefBadge, Time, VersionLink, modelPath } from "../components";
import { formatPercent } from "../format";
import { Layout, type PageContext } from "../layout";

export interface ModelsPageData {
  q?: string;
  cursor?: string;
  models: ModelView[];
  summaries: Map<string, ModelSummary>;
  nextCursor: string | null;
  /** The admin's list of deleted models, each with a restore button. */
  deleted?: boolean;
}

const ACTION_WORDS: Record<string, string> = {
  move: "moved",
  import: "imported",
  promote: "promoted",
  delete: "removed",
  rollback: "rolled back",
  auto_rollback: "auto-rolled back",
  rollout_start: "rollout started",
  rollout_abort: "rollout aborted",
  rollout_rollback: "rollout rolled back",
  rollout_auto_rollback: "rollout auto-rolled back",
};

export function ModelsPage(props: { ctx: PageContext; data: ModelsPageData }) {
  const { ctx, data } = props;
  if (data.deleted) return <DeletedModelsPage ctx={ctx} data={data} />;
  const admin = ctx.principal !== null && hasRole(ctx.principal, "admin");
  return (
    <Layout title="Models" ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <h1>Models</h1>
          <p class="muted">Which version serves each model now, and what is on its way.</p>
          {admin && (
            <nav class="page-links" aria-label="Model lists">
              <a href="/ui?deleted=1">Deleted models</a>
            </nav>
          )}
        </div>
        <form method="get" action="/ui" class="search" role="search">
          <input type="search" name="q" value={data.q ?? ""} placeholder="Search models by name" aria-label="Search models by name" />
          <button type="submit" class="secondary">
            Search
          </button>
        </form>
      </div>
      {data.models.length === 0 ? (
        <div class="panel empty-state">{data.q ? `No model's name contains “${data.q}”.` : "No models yet: publish one with POST /v1/models."}</div>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Model</th>
                <th>Production</th>
                <th>Staging</th>
                <th>Aliases</th>
                <th>Rollout</th>
                <th class="num hide-sm">Latest</th>
                <th>Last change</th>
              </tr>
            </thead>
            <tbody>
              {data.models.map((m) => {
                const summary = data.summaries.get(m.name) ?? { refs: [], rollouts: [], last_change: null };
                const stage = (name: string) => summary.refs.find((r) => r.ref === name);
                const aliases = summary.refs.filter((r) => r.ref !== "Production" && r.ref !== "Staging");
                const change = summary.last_change;
                return (
                  <tr>
                    <td>
                      <a href={modelPath(m.name)}>
                        <strong>{m.name}</strong>
                      </a>
                      {m.description && <span class="sub">{m.description}</span>}
                    </td>
                    <td class="nowrap">
                      <RefTarget model={m.name} target={stage("Production")} />
                    </td>
                    <td class="nowrap">
                      <RefTarget model={m.name} target={stage("Staging")} />
                    </td>
                    <td>
                      <div class="chips">
                        {aliases.map((a) => (
                          <RefBadge ref={a.ref}>{` → v${a.number}`}</RefBadge>
                        ))}
                        {aliases.length === 0 && <span class="muted">—</span>}
                      </div>
                    </td>
                    <td>
                      {summary.rollouts.map((r) => (
                        <div class="nowrap">
                          <span class="badge rollout">{`${r.ref}: v${r.candidate_version} at ${formatPercent(r.weight_bp / 100)}`}</span>
                        </div>
                      ))}
                      {summary.rollouts.length === 0 && <span class="muted">—</span>}
                    </td>
                    <td class="num hide-sm">{m.latest_version === null ? "—" : <VersionLink model={m.name} number={m.latest_version} />}</td>
                    <td>
                      {change ? (
                        <>
                          {`${change.ref} ${ACTION_WORDS[change.action] ?? change.action}`}
                          {change.to_version !== null && !change.action.startsWith("rollout_") ? ` → v${change.to_version}` : ""}
                          <span class="sub">
                            <Time iso={change.at} nowMs={ctx.nowMs} />
                            {` by ${change.actor}`}
                          </span>
                        </>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager base="/ui" params={{ q: data.q }} next={data.nextCursor} onLaterPage={data.cursor !== undefined} />
    </Layout>
  );
}

function RefTarget(props: { model: string; target: RefSummary | undefined }) {
  if (!props.target) return <span class="muted">—</span>;
  return (
    <>
      <VersionLink model={props.model} number={props.target.number}>
        <strong>{`v${props.target.number}`}</strong>
      </VersionLink>
      <span class="muted">{` ${props.target.semver}`}</span>
    </>
  );
}

/** Deleted models (admins only): kept with their versions, hidden from every other read, restorable. */
function DeletedModelsPage(props: { ctx: PageContext; data: ModelsPageData }) {
  const { ctx, data } = props;
  return (
    <Layout title="Deleted models" ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / deleted
          </div>
          <h1>Deleted models</h1>
          <p class="muted">Kept with their versions and history; restoring brings a model back with the versions deleted along with it.</p>
        </div>
      </div>
      {data.models.length === 0 ? (
        <div class="panel empty-state">No deleted models.</div>
      ) : (
        <DeletedTable
          what="Model"
          csrf={ctx.csrf}
          nowMs={ctx.nowMs}
          rows={data.models.map((m) => ({
            label: (
              <>
                <strong>{m.name}</strong>
                {m.description && <span class="sub">{m.description}</span>}
              </>
            ),
            deletedAt: m.deleted_at!,
            restore: `${modelPath(m.name)}/restore`,
            button: `Restore ${m.name}`,
          }))}
        />
      )}
      <Pager base="/ui" params={{ deleted: "1" }} next={data.nextCursor} onLaterPage={data.cursor !== undefined} />
    </Layout>
  );
}
