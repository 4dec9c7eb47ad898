/**
 * The reads behind the admin UI's charts and comparison pages, each checking that the caller may read the model:
 * a rollout's life (its events and each arm's observations per time bucket), the model's timeline (every ref change
 * and every rollout), versions side by side, a drift report with the reference sample it was checked against, and
 * what a PENDING version still lacks. When GET /v1/models/NAME/rollouts and the rollout entries of ref history land
 * (issue 16.2), readModelTimeline is the one place to read them from.
 */
import { authorize, type Principal } from "../auth/principal";
import { bucketWidthMs } from "../domain/buckets";
import { OBSERVATION_WINDOW_MS, windowStartOf } from "../domain/observations";
import type { AutoRollbackRule, Policy } from "../domain/policy";
import type { VersionKey } from "../domain/versions";
import { bucketedObservations, missingArtifacts, rolloutArms, type BucketAggregate, type MissingArtifact } from "../store/charts";
import type { Database } from "../store/db";
import { getReference, getReport, type DriftReportView, type ReferenceData } from "../store/drift";
import { getModel, requireModel, type ModelView } from "../store/models";
import { modelRefHistory, type RefChangeSummary } from "../store/overview";
import { getPolicy } from "../store/policies";
import { getRolloutById, listRollouts, type RolloutEventView, type RolloutView } from "../store/rollouts";
import { getVersionView, requireVersion, type VersionView } from "../store/versions";
import { abComparison, type ABComparison } from "./ab";
import { ruleOf } from "./auto-rollback";

export type { BucketAggregate, MissingArtifact } from "../store/charts";
export type { RefChangeSummary } from "../store/overview";
export type { VersionView } from "../store/versions";

type Reader = { db: Database; principal: Principal };

/** A chart spans at most this many buckets, whatever the rollout's length. */
const MAX_BUCKETS = 60;
/** The timeline reads this many ref changes and rollouts at most, newest first. */
const TIMELINE_CHANGES = 2000;
const TIMELINE_ROLLOUTS = 200;

export interface RolloutLife {
  model: string;
  rollout: RolloutView & { history: RolloutEventView[] };
  /** The auto-rollback rule that watched it (its own, else the model's); null when none did. */
  rule: AutoRollbackRule | null;
  /** The judged metric's A/B test over the whole rollout. */
  comparison: ABComparison | null;
  fromMs: number;
  untilMs: number;
  bucketMs: number;
  /** Both arms' observations per metric and bucket, oldest first. */
  buckets: BucketAggregate[];
}

/** One rollout of the model, active or ended, with each arm's observations from its start to its end (or now). */
export async function readRolloutLife(ctx: Reader, modelName: string, rolloutId: string, nowMs: number): Promise<RolloutLife> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const [rollout, policy] = await Promise.all([getRolloutById(ctx.db, model, rolloutId), getPolicy(ctx.db, model)]);
  const fromMs = windowStartOf(Date.parse(rollout.created_at));
  const untilMs = windowStartOf(rollout.ended_at ? Date.parse(rollout.ended_at) : nowMs) + OBSERVATION_WINDOW_MS;
  const bucketMs = bucketWidthMs(fromMs, untilMs, MAX_BUCKETS);
  const [buckets, comparison] = await Promise.all([
    bucketedObservations(ctx.db, model, [rollout.stable_version, rollout.candidate_version], { fromMs, untilMs, bucketMs }),
    abComparison(ctx.db, model, rollout.id),
  ]);
  return { model: model.name, rollout, rule: ruleOf(rollout.policy, policy), comparison, fromMs, untilMs, bucketMs, buckets };
}

export interface ModelTimeline {
  model: ModelView;
  /** Every ref change, oldest first. */
  changes: RefChangeSummary[];
  /** Every rollout, newest first. */
  rollouts: RolloutView[];
  /** True when older changes or rollouts than these exist. */
  truncated: boolean;
}

export async function readModelTimeline(ctx: Reader, modelName: string): Promise<ModelTimeline> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const [view, changes, rollouts] = await Promise.all([
    getModel(ctx.db, model.name),
    modelRefHistory(ctx.db, model, TIMELINE_CHANGES),
    listRollouts(ctx.db, model, {}, { limit: TIMELINE_ROLLOUTS }),
  ]);
  return {
    model: view,
    changes: [...changes].reverse(),
    rollouts: rollouts.items,
    truncated: changes.length >= TIMELINE_CHANGES || rollouts.next_cursor !== null,
  };
}

/** The versions named, in the order given, with the model's policy; 404 names a missing one. */
export async function readVersionsToCompare(
  ctx: Reader & { baseUrl: string },
  modelName: string,
  keys: VersionKey[],
): Promise<{ versions: VersionView[]; policy: Policy }> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const [versions, policy] = await Promise.all([
    Promise.all(keys.map((key) => getVersionView(ctx.db, model, key, ctx.baseUrl))),
    getPolicy(ctx.db, model),
  ]);
  return { versions, policy };
}

export interface DriftReportDetail {
  report: DriftReportView;
  /** The version's reference sample as it is now (it may have been replaced since the check); null when gone. */
  reference: ReferenceData | null;
  /** The threshold override of the model's drift rule today; the report does not record the one it was judged with. */
  stattestThreshold: number | null;
}

export async function readDriftReportDetail(ctx: Reader, bucket: R2Bucket, modelName: string, id: string): Promise<DriftReportDetail> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const [report, policy] = await Promise.all([getReport(ctx.db, model, id), getPolicy(ctx.db, model)]);
  const version = await requireVersion(ctx.db, model, { number: report.version });
  return { report, reference: await getReference(bucket, version.id), stattestThreshold: policy.drift?.stattest_threshold ?? null };
}

/** What a version still lacks before it can be READY: its unverified artifacts and their open upload sessions. */
export async function readMissingArtifacts(ctx: Reader, modelName: string, number: number): Promise<MissingArtifact[]> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName);
  const version = await requireVersion(ctx.db, model, { number });
  return version.status === "PENDING" ? missingArtifacts(ctx.db, version.id) : [];
}

/** Both arms of the rollouts audit events name (an admin's read, as the audit log is), so rows can name stable and candidate alike. */
export async function readRolloutArms(ctx: Reader, ids: string[]): Promise<Record<string, { stable: number; candidate: number }>> {
  authorize(ctx.principal, "admin");
  return rolloutArms(ctx.db, [...new Set(ids)].slice(0, 100));
}
