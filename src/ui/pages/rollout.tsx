/**
 * One rollout's life, active or ended: who started it and how it ended, each arm's metrics per time bucket with the
 * weight changes marked and the auto-rollback threshold drawn, a table of the same numbers, and every event.
 */
import type { RolloutLife } from "../../registry/ui-reads";
import { seriesByMetric, thresholdsOf, type MetricSeries, type WeightStep } from "../arm-chart";
import { ARM_COLOURS, ArmChartSvg, timeLabel } from "../charts";
import { RefBadge, Time, VersionLink, modelPath } from "../components";
import { formatDelta, formatMetric, formatPercent, formatPValue, formatTime, pClause } from "../format";
import { Layout, type PageContext } from "../layout";
import { EvidenceList } from "./audit";

const ENDINGS: Record<string, string> = { active: "active", promoted: "promoted", aborted: "aborted", rolled_back: "rolled back" };
const EVENT_WORDS: Record<string, string> = {
  start: "Started",
  weight: "Weight changed",
  promote: "Promoted",
  abort: "Aborted",
  rollback: "Rolled back",
  auto_rollback: "Auto-rolled back",
};

export const rolloutPath = (model: string, id: string) => `${modelPath(model)}/rollouts/${encodeURIComponent(id)}`;

export function RolloutPage(props: { ctx: PageContext; life: RolloutLife }) {
  const { ctx, life } = props;
  const { rollout, rule } = life;
  const judged = rule?.metric ?? life.comparison?.metric ?? null;
  const metrics = seriesByMetric(life.buckets, { stable: rollout.stable_version, candidate: rollout.candidate_version }, judged);
  const steps: WeightStep[] = rollout.history.map((e) => ({ t: Date.parse(e.at), weight: e.weight_after ?? e.weight_before ?? 0, action: e.action }));
  const title = `Rollout on ${rollout.ref}: v${rollout.stable_version} → v${rollout.candidate_version}`;
  return (
    <Layout title={title} ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / <a href={modelPath(life.model)}>{life.model}</a> / <a href={`${modelPath(life.model)}/timeline`}>Timeline</a> / rollout
          </div>
          <h1>
            {"Rollout on "}
            <RefBadge ref={rollout.ref} />
            {" "}
            <span class={`badge ${rollout.status === "active" ? "rollout" : rollout.status === "promoted" ? "ready" : "failed"}`} data-status={rollout.status}>
              {ENDINGS[rollout.status] ?? rollout.status}
            </span>
          </h1>
          <div class="arms">
            {"stable "}
            <VersionLink model={life.model} number={rollout.stable_version} />
            {" → candidate "}
            <VersionLink model={life.model} number={rollout.candidate_version} />
            {` · weight ${formatPercent(rollout.weight)}`}
            {rollout.steps.length > 0 ? ` · plan ${rollout.steps.map(formatPercent).join(", ")}` : ""}
          </div>
        </div>
        <div class="muted small">
          {`Started ${formatTime(rollout.created_at)} by ${rollout.created_by}`}
          {rollout.ended_at && (
            <>
              <br />
              {`Ended ${formatTime(rollout.ended_at)}`}
            </>
          )}
          <br />
          {`salt ${rollout.salt} · id ${rollout.id}`}
        </div>
      </div>
      {rollout.reason && <p class="reason">{`“${rollout.reason}”`}</p>}

      <section class="section" aria-labelledby="arms-heading">
        <h2 id="arms-heading">
          Each arm over time <span class="muted">{`mean per ${life.bucketMs / 60_000}-minute bucket, ${timeLabel(life.fromMs, 2 * 86_400_000)} to ${timeLabel(life.untilMs, 2 * 86_400_000)} UTC`}</span>
        </h2>
        <p class="small muted">
          {rule
            ? `Auto-rollback watches ${rule.metric} (${rule.direction} is better${rule.floor !== undefined ? `, floor ${rule.floor}` : ""}${rule.max_drop !== undefined ? `, max_drop ${rule.max_drop} below the stable arm` : ""}, at least ${rule.min_samples} samples): its threshold is the red dashed line.`
            : "No auto-rollback rule watched this rollout (neither the rollout nor the model's policy sets one): no threshold is drawn."}
          {" Dashed vertical lines mark weight changes. Observations are counted per version, so a version serving elsewhere at the same time adds to its arm."}
        </p>
        <div class="chart-legend">
          {(["stable", "candidate"] as const).map((arm) => (
            <span>
              <svg width="18" height="10" viewBox="0 0 18 10" aria-hidden="true">
                <line x1="0" x2="18" y1="5" y2="5" stroke={ARM_COLOURS[arm]} stroke-width="2" stroke-dasharray={arm === "candidate" ? "6 3" : undefined} />
              </svg>
              {`${arm} v${arm === "stable" ? rollout.stable_version : rollout.candidate_version}`}
            </span>
          ))}
        </div>
        {metrics.length === 0 ? (
          <div class="panel empty-state">{`No observations of v${rollout.stable_version} or v${rollout.candidate_version} during this rollout.`}</div>
        ) : (
          metrics.map((m) => <MetricFigure life={life} series={m} steps={steps} judged={m.metric === judged} />)
        )}
      </section>

      {life.comparison && (
        <section class="section" aria-labelledby="ab-heading">
          <h2 id="ab-heading">
            A/B result <span class="muted">{`${life.comparison.metric}, ${life.comparison.direction} is better, Welch's t-test of candidate minus stable`}</span>
          </h2>
          <div class="panel">
            {life.comparison.welch ? (
              <p>
                {`Difference ${formatDelta(life.comparison.welch.difference, true)} (95% CI ${formatDelta(life.comparison.welch.ci_low)} … ${formatDelta(life.comparison.welch.ci_high)}), ${pClause(life.comparison.welch.p_value)}; `}
                {`stable n = ${life.comparison.stable.count}, candidate n = ${life.comparison.candidate.count}.`}
              </p>
            ) : (
              <p class="muted">Each arm needs two observations of the metric before the test says anything.</p>
            )}
          </div>
        </section>
      )}

      <section class="section" aria-labelledby="events-heading">
        <h2 id="events-heading">
          Events <span class="muted">oldest first</span>
        </h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Event</th>
                <th class="num">Candidate weight</th>
                <th>By</th>
                <th>Reason</th>
                <th class="hide-sm">Evidence</th>
              </tr>
            </thead>
            <tbody>
              {rollout.history.map((e) => (
                <tr data-event={e.action}>
                  <td class="nowrap">
                    <Time iso={e.at} nowMs={ctx.nowMs} />
                    <span class="sub">{`#${e.seq}`}</span>
                  </td>
                  <td class="nowrap">{EVENT_WORDS[e.action] ?? e.action}</td>
                  <td class="num nowrap">
                    {e.weight_before !== null && e.weight_before !== e.weight_after ? `${formatPercent(e.weight_before)} → ` : ""}
                    {e.weight_after === null ? "—" : formatPercent(e.weight_after)}
                  </td>
                  <td>{e.actor}</td>
                  <td class="wide">{e.reason || <span class="muted">—</span>}</td>
                  <td class="hide-sm">{e.evidence ? <EvidenceList value={e.evidence} /> : <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}

function MetricFigure(props: { life: RolloutLife; series: MetricSeries; steps: WeightStep[]; judged: boolean }) {
  const { life, series, judged } = props;
  const rule = life.rule && life.rule.metric === series.metric ? life.rule : null;
  const thresholds = rule ? thresholdsOf(rule, series.totals.stable.mean) : [];
  const span = life.untilMs - life.fromMs;
  const times = [...new Set([...series.stable, ...series.candidate].map((p) => p.t))].sort((a, b) => a - b);
  const at = (arm: "stable" | "candidate", t: number) => series[arm].find((p) => p.t === t);
  const id = `metric-${series.metric.replace(/[^\w-]/g, "_")}`;
  return (
    <figure class="panel section" aria-labelledby={id} data-metric={series.metric}>
      <h3 id={id}>
        {series.metric}
        {judged && <span class="muted small">{" · judged"}</span>}
        <span class="muted small">
          {` · stable ${series.totals.stable.mean === null ? "—" : formatMetric(series.totals.stable.mean)} (n = ${series.totals.stable.count})`}
          {` · candidate ${series.totals.candidate.mean === null ? "—" : formatMetric(series.totals.candidate.mean)} (n = ${series.totals.candidate.count})`}
        </span>
      </h3>
      <ArmChartSvg
        metric={series.metric}
        input={{
          fromMs: life.fromMs,
          toMs: life.untilMs,
          series: [
            { arm: "stable", points: series.stable },
            { arm: "candidate", points: series.candidate },
          ],
          steps: props.steps,
          thresholds,
        }}
      />
      <details class="small">
        <summary>{`The numbers (${times.length} bucket${times.length === 1 ? "" : "s"})`}</summary>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{`${series.metric} per bucket and arm`}</caption>
            <thead>
              <tr>
                <th>Bucket (UTC)</th>
                <th class="num">{`Stable v${life.rollout.stable_version}`}</th>
                <th class="num">{`Candidate v${life.rollout.candidate_version}`}</th>
              </tr>
            </thead>
            <tbody>
              {times.map((t) => (
                <tr>
                  <td class="nowrap">{timeLabel(t, span)}</td>
                  {(["stable", "candidate"] as const).map((arm) => {
                    const p = at(arm, t);
                    return <td class="num">{p ? `${formatMetric(p.value)} (n = ${p.count})` : "—"}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
