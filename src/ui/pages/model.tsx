/**
 * One model: its active rollouts (split, per-arm live metrics, weight, promote, abort), a card per ref with one-click
 * rollback, the policy metric across versions, the versions table, and each ref's history.
 */
import { raw } from "hono/html";
import type { ABComparison } from "../../registry/ab";
import type { ModelView } from "../../registry/models";
import type { RefChangeSummary, RolloutEventView, RolloutView } from "../../registry/overview";
import type { VersionView } from "../../registry/versions";
import type { ChartPoint } from "../chart";
import {
  ActionForm,
  DeletedTable,
  MetricChart,
  Pager,
  ReasonField,
  RefBadge,
  SplitBar,
  StageBadge,
  StatusBadge,
  Time,
  VersionLink,
  modelPath,
  type ChartMarks,
} from "../components";
import { formatDelta, formatMetric, formatPercent, formatPValue, formatTime } from "../format";
import { Layout, type PageContext } from "../layout";
import { rolloutPath } from "./rollout";

export interface RefCardData {
  ref: string;
  target: { number: number; semver: string } | null;
  updatedAt: string | null;
  updatedBy: string | null;
  /** The reason of the ref's newest change. */
  lastReason: string | null;
  /** Where a rollback would take the ref; null when there is nothing to roll back to, undefined when unknown. */
  rollbackTo: number | null | undefined;
  rollout: RolloutView | null;
}

export interface ArmRow {
  metric: string;
  stable: { count: number; mean: number } | null;
  candidate: { count: number; mean: number } | null;
}

export interface RolloutPanelData {
  rollout: RolloutView & { history: RolloutEventView[] };
  /** Every metric observed on either arm since the rollout started; the judged one first. */
  arms: ArmRow[];
  /** The A/B test of the metric the rollout is judged on; null when no policy names one. */
  comparison: ABComparison | null;
  /** Where the arms' observations are counted from. */
  since: string;
}

export interface ModelPageData {
  model: ModelView;
  admin: boolean;
  notice: string | null;
  cards: RefCardData[];
  rollouts: RolloutPanelData[];
  versions: VersionView[];
  versionsCursor?: string;
  versionsNext: string | null;
  keyMetrics: string[];
  chart: { metric: string; metrics: string[]; points: ChartPoint[]; marks: ChartMarks; note: string } | null;
  history: { ref: string | null; refs: string[]; entries: RefChangeSummary[] };
  /** Refs a rollout may start on and READY candidates, for admins. */
  start: { refs: string[]; candidates: VersionView[]; preferred: number | null } | null;
  /** Deleted versions, for admins (empty for everyone else). */
  deleted: VersionView[];
}

const ACTION_WORDS: Record<string, string> = {
  move: "Moved",
  import: "Imported",
  promote: "Promoted",
  delete: "Removed",
  rollback: "Rolled back",
  auto_rollback: "Auto-rolled back",
  rollout_start: "Rollout started",
  rollout_abort: "Rollout aborted",
  rollout_rollback: "Rollout rolled back",
  rollout_auto_rollback: "Rollout auto-rolled back",
};

/** Shows the weight slider's value as it moves; everything else works without JavaScript. */
const SLIDER_SCRIPT = `for (const input of document.querySelectorAll("input[data-live]")) {
  const out = document.getElementById(input.dataset.live);
  const show = () => { out.value = input.value + "%"; };
  input.addEventListener("input", show);
  show();
}`;

export function ModelPage(props: { ctx: PageContext; data: ModelPageData }) {
  const { ctx, data } = props;
  const name = data.model.name;
  const tags = Object.entries(data.model.tags);
  return (
    <Layout title={name} ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / {name}
          </div>
          <h1>{name}</h1>
          {data.model.description && <p class="muted">{data.model.description}</p>}
          {tags.length > 0 && (
            <div class="chips">
              {tags.map(([k, v]) => (
                <span class="badge neutral">{`${k}=${v}`}</span>
              ))}
            </div>
          )}
        </div>
        <div class="muted small">
          <nav class="page-links" aria-label="Model views">
            <a href={`${modelPath(name)}/timeline`}>Timeline and rollouts</a>
            <a href={compareHref(name, data.cards)}>Compare versions</a>
          </nav>
          {data.model.latest_version === null ? "No READY version yet" : `Latest READY: v${data.model.latest_version}`}
          <br />
          {`Created ${formatTime(data.model.created_at)} by ${data.model.created_by}`}
        </div>
      </div>

      {data.notice && (
        <div class="notice" role="status">
          {data.notice}
        </div>
      )}

      {data.rollouts.map((r) => (
        <RolloutPanel ctx={ctx} model={name} panel={r} admin={data.admin} />
      ))}

      <section class="section" aria-labelledby="refs-heading">
        <h2 id="refs-heading">
          Refs <span class="muted">what each name serves now</span>
        </h2>
        <div class="cards">
          {data.cards.map((card) => (
            <RefCard ctx={ctx} model={name} card={card} admin={data.admin} />
          ))}
        </div>
        {data.start && <StartRollout ctx={ctx} model={name} start={data.start} />}
      </section>

      {data.chart && (
        <section class="section" aria-labelledby="chart-heading">
          <h2 id="chart-heading">
            {data.chart.metric} <span class="muted">across versions</span>
          </h2>
          {data.chart.metrics.length > 1 && (
            <nav class="tabs" aria-label="Metric">
              {data.chart.metrics.map((m) => (
                <a href={`${modelPath(name)}?metric=${encodeURIComponent(m)}#chart-heading`} aria-current={m === data.chart!.metric ? "true" : undefined}>
                  {m}
                </a>
              ))}
            </nav>
          )}
          <MetricChart model={name} metric={data.chart.metric} points={data.chart.points} marks={data.chart.marks} note={data.chart.note} />
        </section>
      )}

      <section class="section" aria-labelledby="versions-heading">
        <h2 id="versions-heading">
          Versions <span class="muted">newest first</span>
        </h2>
        <VersionsTable ctx={ctx} model={name} versions={data.versions} keyMetrics={data.keyMetrics} />
        <Pager
          base={modelPath(name)}
          params={{}}
          next={data.versionsNext}
          onLaterPage={data.versionsCursor !== undefined}
          label="Older versions"
        />
      </section>

      {data.deleted.length > 0 && (
        <section class="section" aria-labelledby="deleted-heading">
          <h2 id="deleted-heading">
            Deleted versions <span class="muted">hidden from every read but an admin's</span>
          </h2>
          <DeletedTable
            what="Version"
            csrf={ctx.csrf}
            nowMs={ctx.nowMs}
            rows={data.deleted.map((v) => ({
              label: (
                <>
                  <strong>{`v${v.number}`}</strong> <span class="muted">{v.semver}</span>
                </>
              ),
              deletedAt: v.deleted_at!,
              restore: `${modelPath(name)}/versions/${v.number}/restore`,
              button: `Restore v${v.number}`,
            }))}
          />
        </section>
      )}

      <section class="section" aria-labelledby="history-heading">
        <h2 id="history-heading">
          Ref history <span class="muted">every move, newest first</span>
        </h2>
        <RefHistory ctx={ctx} model={name} history={data.history} />
      </section>
      {data.admin && data.rollouts.length > 0 && <script nonce={ctx.nonce}>{raw(SLIDER_SCRIPT)}</script>}
    </Layout>
  );
}

function RefCard(props: { ctx: PageContext; model: string; card: RefCardData; admin: boolean }) {
  const { card } = props;
  const kind = card.ref === "Production" ? "production" : card.ref === "Staging" ? "staging" : "alias";
  const id = `rollback-${card.ref}`;
  return (
    <article class={`card ${kind}`} aria-label={`${card.ref} ref`}>
      <div class="ref-name">
        <span>{card.ref}</span>
        {card.rollout && <span class="badge rollout">{`rollout ${formatPercent(card.rollout.weight)} → v${card.rollout.candidate_version}`}</span>}
      </div>
      {card.target ? (
        <div class="target">
          <VersionLink model={props.model} number={card.target.number} />
          <span class="semver">{card.target.semver}</span>
        </div>
      ) : (
        <div class="target">
          <span class="empty">not set</span>
        </div>
      )}
      {card.updatedAt && (
        <div class="meta">
          {"Changed "}
          <Time iso={card.updatedAt} nowMs={props.ctx.nowMs} />
          {card.updatedBy ? ` by ${card.updatedBy}` : ""}
        </div>
      )}
      {card.lastReason && <div class="reason">“{card.lastReason}”</div>}
      {props.admin && card.target && (card.rollout || card.rollbackTo !== null) && (
        <div class="actions">
          <details class="confirm">
            <summary>Roll back…</summary>
            <ActionForm action={`${modelPath(props.model)}/refs/${encodeURIComponent(card.ref)}/rollback`} csrf={props.ctx.csrf}>
              <ReasonField id={id} placeholder="Why? e.g. p99 latency regression" required />
              <button type="submit" class="danger">
                {card.rollout
                  ? `End the rollout, keep v${card.rollout.stable_version}`
                  : card.rollbackTo === undefined
                    ? `Roll back ${card.ref}`
                    : `Roll back to v${card.rollbackTo}`}
              </button>
            </ActionForm>
          </details>
        </div>
      )}
    </article>
  );
}

function RolloutPanel(props: { ctx: PageContext; model: string; panel: RolloutPanelData; admin: boolean }) {
  const { ctx, model } = props;
  const { rollout, arms } = props.panel;
  const base = `${modelPath(model)}/rollouts/${encodeURIComponent(rollout.ref)}`;
  const nextStep = rollout.steps.find((s) => s > rollout.weight);
  const sliderId = `weight-${rollout.ref}`;
  return (
    <section class="panel rollout-panel section" aria-label={`Rollout on ${rollout.ref}`}>
      <div class="rollout-head">
        <div>
          <h2>
            {"Rollout on "}
            <RefBadge ref={rollout.ref} />
          </h2>
          <div class="arms">
            <VersionLink model={model} number={rollout.stable_version} />
            <span class="muted"> stable</span>
            {" → "}
            <VersionLink model={model} number={rollout.candidate_version} />
            <span class="muted"> candidate</span>
          </div>
          <div class="muted small">
            {"Started "}
            <Time iso={rollout.created_at} nowMs={ctx.nowMs} />
            {` by ${rollout.created_by}`}
            {rollout.reason ? ` · “${rollout.reason}”` : ""}
            {` · salt ${rollout.salt}`}
            {" · "}
            <a href={rolloutPath(model, rollout.id)}>Charts of each arm »</a>
          </div>
        </div>
        <div class="weight" aria-label="candidate weight">
          {formatPercent(rollout.weight)}
        </div>
      </div>
      <SplitBar weightBp={Math.round(rollout.weight * 100)} />
      <div class="split-legend">
        <span>{`candidate v${rollout.candidate_version}: ${formatPercent(rollout.weight)} of routing keys`}</span>
        <span>{`stable v${rollout.stable_version}: ${formatPercent(100 - rollout.weight)}`}</span>
      </div>
      {rollout.steps.length > 0 && (
        <div class="steps" aria-label="Planned steps">
          <span>Plan:</span>
          {rollout.steps.map((s) => (
            <span class={`step${s <= rollout.weight ? " done" : ""}`}>{formatPercent(s)}</span>
          ))}
        </div>
      )}

      <details class="small events">
        <summary>{`${rollout.history.length} change${rollout.history.length === 1 ? "" : "s"} so far`}</summary>
        <ol>
          {rollout.history.map((e) => (
            <li>
              <Time iso={e.at} nowMs={ctx.nowMs} />
              {` · ${e.action}`}
              {e.weight_after !== null && e.weight_before !== e.weight_after
                ? ` ${e.weight_before === null ? "" : `${formatPercent(e.weight_before)} → `}${formatPercent(e.weight_after)}`
                : ""}
              {` by ${e.actor}`}
              {e.reason ? ` · “${e.reason}”` : ""}
            </li>
          ))}
        </ol>
      </details>

      <h3 class="section">Live metrics per arm</h3>
      {props.panel.comparison && (
        <p class="small muted">
          {`Judged on ${props.panel.comparison.metric} (${props.panel.comparison.direction} is better): difference is candidate minus stable, Welch's t-test.`}
        </p>
      )}
      {arms.length === 0 ? (
        <p class="muted small">
          {`No observations since ${formatTime(props.panel.since)}. Serving clients report them with POST /v1/models/${model}/observations.`}
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Metric</th>
                <th class="num">{`Stable v${rollout.stable_version}`}</th>
                <th class="num">{`Candidate v${rollout.candidate_version}`}</th>
                <th class="num">Difference (95% CI)</th>
                <th class="num">p</th>
              </tr>
            </thead>
            <tbody>
              {arms.map((a) => {
                const judged = props.panel.comparison?.metric === a.metric ? props.panel.comparison : null;
                const welch = judged?.welch ?? null;
                return (
                  <tr>
                    <td>
                      {a.metric}
                      {judged && <span class="sub">{`judged · ${judged.direction} is better`}</span>}
                    </td>
                    <ArmCell stats={a.stable} />
                    <ArmCell stats={a.candidate} />
                    <td class={`num ${judged ? verdictClass(judged) : ""}`}>
                      {welch ? `${formatDelta(welch.difference, true)} (${formatDelta(welch.ci_low)} … ${formatDelta(welch.ci_high)})` : "—"}
                    </td>
                    <td class="num">{welch ? formatPValue(welch.p_value) : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {props.admin && (
        <div class="controls">
          <div class="panel">
            <h3>Change the weight</h3>
            <ActionForm action={`${base}/weight`} csrf={ctx.csrf}>
              <div>
                <label for={sliderId}>Candidate weight</label>
                <div class="slider-row">
                  <input type="range" id={sliderId} name="weight" min="0" max="100" step="0.5" value={String(rollout.weight)} data-live={`${sliderId}-value`} />
                  <output id={`${sliderId}-value`} for={sliderId}>
                    {formatPercent(rollout.weight)}
                  </output>
                </div>
              </div>
              <ReasonField id={`${sliderId}-reason`} placeholder="e.g. error rate flat at 5%" />
              <button type="submit">Set weight</button>
            </ActionForm>
            {nextStep !== undefined && (
              <ActionForm action={`${base}/weight`} csrf={ctx.csrf}>
                <input type="hidden" name="step" value="next" />
                <input type="hidden" name="reason" value="next planned step" />
                <button type="submit" class="secondary">{`Next step: ${formatPercent(nextStep)}`}</button>
              </ActionForm>
            )}
          </div>
          <div class="panel">
            <h3>{`Promote v${rollout.candidate_version}`}</h3>
            <details class="confirm go">
              <summary>Promote…</summary>
              <ActionForm action={`${base}/promote`} csrf={ctx.csrf}>
                <ReasonField id={`promote-${rollout.ref}`} placeholder="e.g. metrics hold at 50%" />
                <button type="submit" class="promote">{`Promote v${rollout.candidate_version} to all of ${rollout.ref}`}</button>
              </ActionForm>
            </details>
          </div>
          <div class="panel">
            <h3>Abort</h3>
            <details class="confirm">
              <summary>Abort…</summary>
              <ActionForm action={`${base}/abort`} csrf={ctx.csrf}>
                <ReasonField id={`abort-${rollout.ref}`} placeholder="e.g. accuracy dropped" />
                <button type="submit" class="danger">{`Abort, keep v${rollout.stable_version}`}</button>
              </ActionForm>
            </details>
          </div>
        </div>
      )}
    </section>
  );
}

/** Production against Staging when both are set, else an empty comparison to fill in. */
function compareHref(model: string, cards: RefCardData[]): string {
  const numbers = ["Production", "Staging"].flatMap((ref) => cards.find((c) => c.ref === ref)?.target?.number ?? []);
  const distinct = [...new Set(numbers)];
  return `${modelPath(model)}/compare${distinct.length === 2 ? `?v=${distinct[0]}&v=${distinct[1]}` : ""}`;
}

function ArmCell(props: { stats: ArmRow["stable"] }) {
  if (!props.stats) return <td class="num muted">—</td>;
  return (
    <td class="num">
      {formatMetric(props.stats.mean)}
      <span class="sub">{`n = ${props.stats.count}`}</span>
    </td>
  );
}

/** Green or red only when the difference is significant. */
function verdictClass(c: ABComparison): string {
  if (!c.welch || c.welch.p_value >= 0.05 || c.welch.difference === 0) return "";
  const better = c.direction === "higher" ? c.welch.difference > 0 : c.welch.difference < 0;
  return better ? "better" : "worse";
}

function StartRollout(props: { ctx: PageContext; model: string; start: NonNullable<ModelPageData["start"]> }) {
  const { start } = props;
  return (
    <details class="panel section start">
      <summary>
        <strong>Start a rollout…</strong> <span class="muted small">send a share of routing keys to a candidate version</span>
      </summary>
      <ActionForm action={`${modelPath(props.model)}/rollouts`} csrf={props.ctx.csrf} class="section">
        <div class="fields">
          <div class="tight">
            <label for="start-ref">On ref</label>
            <select id="start-ref" name="ref">
              {start.refs.map((r) => (
                <option value={r}>{r}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="start-candidate">Candidate</label>
            <select id="start-candidate" name="candidate">
              {start.candidates.map((v) => (
                <option value={String(v.number)} selected={v.number === start.preferred}>
                  {`v${v.number} · ${v.semver}${v.stage === "Staging" ? " (Staging)" : ""}`}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="start-weights">Weights (%)</label>
            <input type="text" id="start-weights" name="weights" value="5, 25, 50, 100" required title="One weight, or the planned steps" />
          </div>
          <div class="grow">
            <ReasonField id="start-reason" placeholder="e.g. new features from the May data" />
          </div>
        </div>
        <div class="fields section">
          <label class="check">
            <input type="checkbox" name="force" />
            Force past failed promotion gates (needs a reason)
          </label>
          <div class="tight">
            <button type="submit">Start rollout</button>
          </div>
        </div>
      </ActionForm>
    </details>
  );
}

function VersionsTable(props: { ctx: PageContext; model: string; versions: VersionView[]; keyMetrics: string[] }) {
  if (props.versions.length === 0) return <div class="panel empty-state">No versions yet.</div>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Version</th>
            <th>Status</th>
            <th>Stage</th>
            <th>Aliases</th>
            {props.keyMetrics.map((m) => (
              <th class="num">{m}</th>
            ))}
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {props.versions.map((v) => (
            <tr>
              <td class="nowrap">
                <VersionLink model={props.model} number={v.number}>
                  <strong>{`v${v.number}`}</strong>
                </VersionLink>
                <span class="sub">{v.semver}</span>
              </td>
              <td>
                <div class="chips">
                  <StatusBadge status={v.status} />
                  {v.archived && <span class="badge neutral">archived</span>}
                </div>
              </td>
              <td>
                <StageBadge stage={v.stage} />
              </td>
              <td>
                <div class="chips">
                  {v.aliases.map((a) => (
                    <RefBadge ref={a} />
                  ))}
                  {v.aliases.length === 0 && <span class="muted">—</span>}
                </div>
              </td>
              {props.keyMetrics.map((m) => (
                <td class="num">{v.metrics[m] === undefined ? <span class="muted">—</span> : formatMetric(v.metrics[m]!)}</td>
              ))}
              <td class="nowrap">
                <Time iso={v.created_at} nowMs={props.ctx.nowMs} />
                <span class="sub">{v.created_by}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RefHistory(props: { ctx: PageContext; model: string; history: ModelPageData["history"] }) {
  const { history } = props;
  if (!history.ref) return <div class="panel empty-state">No ref has moved yet.</div>;
  return (
    <>
      {history.refs.length > 1 && (
        <nav class="tabs" aria-label="Ref">
          {history.refs.map((r) => (
            <a href={`${modelPath(props.model)}?history=${encodeURIComponent(r)}#history-heading`} aria-current={r === history.ref ? "true" : undefined}>
              {r}
            </a>
          ))}
        </nav>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Change</th>
              <th>Version</th>
              <th>By</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {history.entries.map((e) => (
              <tr>
                <td class="nowrap">
                  <Time iso={e.at} nowMs={props.ctx.nowMs} />
                  <span class="sub">{`#${e.generation}`}</span>
                </td>
                <td class="nowrap">{ACTION_WORDS[e.action] ?? e.action}</td>
                <td class="nowrap">
                  {e.from_version === e.to_version && e.to_version !== null ? (
                    <VersionLink model={props.model} number={e.to_version} />
                  ) : (
                    <>
                      {e.from_version === null ? "—" : <VersionLink model={props.model} number={e.from_version} />}
                      {" → "}
                      {e.to_version === null ? "—" : <VersionLink model={props.model} number={e.to_version} />}
                    </>
                  )}
                </td>
                <td>{e.actor}</td>
                <td class="wide">{e.reason || <span class="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
