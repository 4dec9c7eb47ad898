/** A model's timeline: which version held Production and Staging over time, rollouts as bands, and every rollout. */
import type { ModelTimeline } from "../../registry/ui-reads";
import { TimelineSvg } from "../charts";
import { RefBadge, Time, VersionLink, modelPath, versionPath } from "../components";
import { formatPercent } from "../format";
import { Layout, type PageContext } from "../layout";
import { holdingsOf, type RolloutSpan } from "../timeline-chart";
import { rolloutPath } from "./rollout";

const ENDINGS: Record<string, string> = { active: "active", promoted: "promoted", aborted: "aborted", rolled_back: "rolled back" };

export function TimelinePage(props: { ctx: PageContext; timeline: ModelTimeline }) {
  const { ctx, timeline } = props;
  const name = timeline.model.name;
  const refs = ["Production", "Staging"];
  const holdings = holdingsOf(timeline.changes.filter((c) => refs.includes(c.ref)));
  const spans: RolloutSpan[] = timeline.rollouts
    .filter((r) => refs.includes(r.ref))
    .map((r) => ({ id: r.id, ref: r.ref, stable: r.stable_version, candidate: r.candidate_version, status: r.status, fromMs: Date.parse(r.created_at), untilMs: r.ended_at ? Date.parse(r.ended_at) : null }));
  const starts = [Date.parse(timeline.model.created_at), ...holdings.map((h) => h.fromMs), ...spans.map((s) => s.fromMs)].filter(Number.isFinite);
  const fromMs = Math.min(...starts);
  return (
    <Layout title={`${name} timeline`} ctx={ctx} section="models">
      <div class="page-head">
        <div>
          <div class="crumbs">
            <a href="/ui">Models</a> / <a href={modelPath(name)}>{name}</a> / timeline
          </div>
          <h1>{`${name}: timeline`}</h1>
          <p class="muted small">
            Which version held each stage, from the refs' history; purple dashed bands are rollouts (click one for its charts). Times are UTC.
            {timeline.truncated ? " Only the newest changes and rollouts are drawn." : ""}
          </p>
        </div>
      </div>
      <figure class="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Production and Staging over time</h2>
        {holdings.length === 0 && spans.length === 0 ? (
          <p class="muted">Neither stage has been set yet.</p>
        ) : (
          <TimelineSvg
            model={name}
            refs={refs}
            holdings={holdings}
            rollouts={spans}
            fromMs={fromMs}
            nowMs={ctx.nowMs}
            hrefOf={(r) => rolloutPath(name, r.id)}
            versionHref={(n) => versionPath(name, n)}
          />
        )}
        <details class="small">
          <summary>{`The stretches (${holdings.length})`}</summary>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Stage</th>
                  <th>Version</th>
                  <th>From</th>
                  <th>Until</th>
                </tr>
              </thead>
              <tbody>
                {holdings.map((h) => (
                  <tr>
                    <td>{h.ref}</td>
                    <td>
                      <VersionLink model={name} number={h.version} />
                    </td>
                    <td class="nowrap">{new Date(h.fromMs).toISOString().slice(0, 16).replace("T", " ")}</td>
                    <td class="nowrap">{h.untilMs === null ? "now" : new Date(h.untilMs).toISOString().slice(0, 16).replace("T", " ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </figure>

      <section class="section" aria-labelledby="rollouts-heading">
        <h2 id="rollouts-heading">
          Rollouts <span class="muted">newest first, active and ended</span>
        </h2>
        {timeline.rollouts.length === 0 ? (
          <div class="panel empty-state">No rollout yet.</div>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Ref</th>
                  <th>Stable → candidate</th>
                  <th class="num">Weight</th>
                  <th>Outcome</th>
                  <th>By</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {timeline.rollouts.map((r) => (
                  <tr data-rollout={r.id}>
                    <td class="nowrap">
                      <Time iso={r.created_at} nowMs={ctx.nowMs} />
                    </td>
                    <td>
                      <RefBadge ref={r.ref} />
                    </td>
                    <td class="nowrap">
                      <VersionLink model={name} number={r.stable_version} />
                      {" → "}
                      <VersionLink model={name} number={r.candidate_version} />
                    </td>
                    <td class="num">{formatPercent(r.weight)}</td>
                    <td>
                      {ENDINGS[r.status] ?? r.status}
                      {r.ended_at && (
                        <span class="sub">
                          <Time iso={r.ended_at} nowMs={ctx.nowMs} />
                        </span>
                      )}
                    </td>
                    <td>{r.created_by}</td>
                    <td>
                      <a href={rolloutPath(name, r.id)}>Charts »</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}
