/** Gathers what the model page shows from the store modules, and derives previews (rollback targets, arm tests). */
import { hasRole } from "../auth/principal";
import { classifyRefName, STAGES } from "../domain/names";
import { windowStartOf } from "../domain/observations";
import type { Policy } from "../domain/policy";
import { stepToUndo } from "../domain/refs";
import { abComparison } from "../registry/ab";
import { getModel, type ModelRow } from "../registry/models";
import {
  armTotals,
  getPolicy,
  getRollout,
  listRefs,
  listRollouts,
  modelRefHistory,
  modelSummaries,
  type RefChangeSummary,
  type RefSummary,
  type RefView,
  type RolloutView,
} from "../registry/overview";
import { listVersions, type ReadContext, type VersionView } from "../registry/versions";
import type { ArmRow, ModelPageData, RefCardData, RolloutPanelData } from "./pages/model";

/** Rollback previews read the model's whole ref history up to this many changes. */
const HISTORY_LIMIT = 500;
const VERSIONS_PER_PAGE = 100;
const HISTORY_ROWS = 50;
const KEY_METRICS = 3;
const CHART_METRICS = 12;

export interface ModelPageQuery {
  metric?: string;
  history?: string;
  cursor?: string;
  done?: "rollback" | "start" | "weight" | "promote" | "abort" | "restore";
  ref?: string;
}

/** Everything the model page shows; the caller has been authorized to read the model. */
export async function loadModelPage(ctx: ReadContext, model: ModelRow, query: ModelPageQuery): Promise<ModelPageData> {
  const { db, principal } = ctx;
  const admin = hasRole(principal, "admin");
  const [view, refViews, summaries, history, versionsPage, active, policy, deleted] = await Promise.all([
    getModel(db, model.name),
    listRefs(db, model),
    modelSummaries(db, [model.name]),
    modelRefHistory(db, model, HISTORY_LIMIT),
    listVersions(ctx, model.name, {}, { limit: VERSIONS_PER_PAGE, cursor: query.cursor }),
    listRollouts(db, model, { status: "active" }, { limit: 20 }),
    getPolicy(db, model),
    // Deleted versions are kept for admins, who may restore them.
    admin ? listVersions(ctx, model.name, { deleted: true }, { limit: DELETED_VERSIONS }) : null,
  ]);
  const targets = summaries.get(model.name)!.refs;
  const rollouts = await Promise.all(active.items.map((r) => rolloutPanel(db, model, r)));
  const versions = versionsPage.items;
  const metricNames = metricsByUse(versions, policy);
  return {
    model: view,
    admin,
    notice: noticeOf(query, targets),
    cards: refCards(targets, refViews, history, active.items),
    rollouts,
    versions,
    versionsCursor: query.cursor,
    versionsNext: versionsPage.next_cursor,
    keyMetrics: metricNames.slice(0, KEY_METRICS),
    chart: chartOf(versions, metricNames, query.metric, policy, targets, active.items),
    history: historyOf(history, query.history),
    start: admin ? startOptions(targets, versions, active.items) : null,
    deleted: deleted?.items ?? [],
  };
}

/** The model page lists at most this many deleted versions (newest first); GET …/versions?deleted=true has them all. */
const DELETED_VERSIONS = 50;

function refCards(targets: RefSummary[], refViews: RefView[], history: RefChangeSummary[], active: RolloutView[]): RefCardData[] {
  const truncated = history.length >= HISTORY_LIMIT;
  const aliases = targets.map((t) => t.ref).filter((r) => !(STAGES as readonly string[]).includes(r));
  return [...STAGES, ...aliases].map((ref) => {
    const target = targets.find((t) => t.ref === ref) ?? null;
    const refView = refViews.find((r) => r.ref === ref);
    const changes = history.filter((h) => h.ref === ref);
    return {
      ref,
      target: target && { number: target.number, semver: target.semver },
      updatedAt: refView?.updated_at ?? changes[0]?.at ?? null,
      updatedBy: refView?.updated_by ?? changes[0]?.actor ?? null,
      lastReason: changes[0]?.reason || null,
      rollbackTo: rollbackTarget(changes, truncated),
      rollout: active.find((r) => r.ref === ref) ?? null,
    };
  });
}

/** Where POST …/rollback would move the ref, replaying the same rule the store applies. */
export function rollbackTarget(changes: RefChangeSummary[], truncated: boolean): number | null | undefined {
  const step = stepToUndo(
    changes.map((c) => ({
      generation: c.generation,
      action: c.action,
      fromVersionId: c.from_version === null ? null : String(c.from_version),
      toVersionId: c.to_version === null ? null : String(c.to_version),
    })),
  );
  if (!step || step.fromVersionId === null) return truncated ? undefined : null;
  return Number(step.fromVersionId);
}

/** Every observed metric's count and mean per arm, with the pipeline's A/B test of the metric the rollout is judged on. */
async function rolloutPanel(db: ReadContext["db"], model: ModelRow, rollout: RolloutView): Promise<RolloutPanelData> {
  const since = new Date(windowStartOf(Date.parse(rollout.created_at))).toISOString();
  const [withHistory, totals, comparison] = await Promise.all([
    getRollout(db, model, rollout.ref),
    armTotals(db, model, { stable: rollout.stable_version, candidate: rollout.candidate_version }, since),
    abComparison(db, model, rollout.id),
  ]);
  const mean = (a: { count: number; sum: number }) => (a.count > 0 ? { count: a.count, mean: a.sum / a.count } : null);
  const arms: ArmRow[] = totals.map((t) => ({ metric: t.metric, stable: mean(t.stable), candidate: mean(t.candidate) }));
  // The judged metric leads the table, even before its first observation.
  if (comparison) {
    const judged = arms.find((a) => a.metric === comparison.metric) ?? { metric: comparison.metric, stable: null, candidate: null };
    arms.splice(0, arms.length, judged, ...arms.filter((a) => a !== judged));
  }
  return { rollout: withHistory, arms, comparison, since };
}

/** Metric names, the policy's compare metric first, then by how many versions record them. */
function metricsByUse(versions: VersionView[], policy: Policy): string[] {
  const uses = new Map<string, number>();
  for (const v of versions) for (const m of Object.keys(v.metrics)) uses.set(m, (uses.get(m) ?? 0) + 1);
  const names = [...uses.keys()].sort((a, b) => uses.get(b)! - uses.get(a)! || a.localeCompare(b));
  const compare = policy.compare?.metric;
  return compare && uses.has(compare) ? [compare, ...names.filter((n) => n !== compare)] : names;
}

function chartOf(
  versions: VersionView[],
  metricNames: string[],
  requested: string | undefined,
  policy: Policy,
  targets: RefSummary[],
  active: RolloutView[],
): ModelPageData["chart"] {
  const metric = requested && metricNames.includes(requested) ? requested : metricNames[0];
  if (!metric) return null;
  const points = versions.filter((v) => v.metrics[metric] !== undefined).map((v) => ({ version: v.number, value: v.metrics[metric]! }));
  const note =
    policy.compare?.metric === metric
      ? `The policy's compare metric: ${policy.compare.direction} is better.`
      : policy.compare
        ? `The policy compares ${policy.compare.metric}; this chart shows ${metric}.`
        : "No compare metric in the model's policy; showing the most recorded metric.";
  return {
    metric,
    metrics: metricNames.slice(0, CHART_METRICS),
    points,
    marks: {
      production: targets.find((t) => t.ref === "Production")?.number,
      staging: targets.find((t) => t.ref === "Staging")?.number,
      candidate: active.find((r) => r.ref === "Production")?.candidate_version ?? active[0]?.candidate_version,
    },
    note,
  };
}

function historyOf(history: RefChangeSummary[], requested: string | undefined): ModelPageData["history"] {
  const seen = [...new Set(history.map((h) => h.ref))];
  const refs = [...STAGES.filter((s) => seen.includes(s)), ...seen.filter((r) => !(STAGES as readonly string[]).includes(r)).sort()];
  const canonical = requested ? classifyRefName(requested)?.name : undefined;
  const ref = canonical && refs.includes(canonical) ? canonical : (refs[0] ?? null);
  return { ref, refs, entries: history.filter((h) => h.ref === ref).slice(0, HISTORY_ROWS) };
}

function startOptions(targets: RefSummary[], versions: VersionView[], active: RolloutView[]): ModelPageData["start"] {
  const refs = targets.map((t) => t.ref).filter((r) => !active.some((a) => a.ref === r));
  const ordered = [...STAGES.filter((s) => refs.includes(s)), ...refs.filter((r) => !(STAGES as readonly string[]).includes(r))];
  const candidates = versions.filter((v) => v.status === "READY" && !v.archived);
  if (ordered.length === 0 || candidates.length < 2) return null;
  const production = targets.find((t) => t.ref === "Production")?.number;
  const staging = targets.find((t) => t.ref === "Staging")?.number;
  const preferred = staging !== undefined && staging !== production ? staging : (candidates.find((v) => v.number !== production)?.number ?? null);
  return { refs: ordered, candidates, preferred };
}

function noticeOf(query: ModelPageQuery, targets: RefSummary[]): string | null {
  const ref = query.ref ? classifyRefName(query.ref)?.name : undefined;
  if (query.done === "restore") return "Restored: the version is back, archived; un-archive it through a stage transition.";
  if (!query.done || !ref) return null;
  const target = targets.find((t) => t.ref === ref);
  const serving = target ? `it serves v${target.number} (${target.semver})` : "it is not set";
  switch (query.done) {
    case "rollback":
      return `${ref} rolled back: ${serving}.`;
    case "start":
      return `Rollout started on ${ref}.`;
    case "weight":
      return `Rollout weight on ${ref} changed.`;
    case "promote":
      return `Promoted: ${ref} now serves v${target?.number}.`;
    case "abort":
      return `Rollout on ${ref} aborted: ${serving}.`;
  }
}
