/**
 * The reads the admin pages gather across resources: model summaries (refs, rollouts, last change), ref history,
 * per-arm totals, active rollouts, the policy and drift reports. Unchanged store reads; the pages' routes authorize
 * the caller for the model first.
 */
export {
  armTotals,
  modelRefHistory,
  modelSummaries,
  type ActiveRolloutSummary,
  type ArmTotals,
  type ModelSummary,
  type RefChangeSummary,
  type RefSummary,
} from "../store/overview";
export { listReports, type DriftReportView } from "../store/drift";
export { getPolicy } from "../store/policies";
export { listRefs, type RefView } from "../store/refs";
export { getRollout, listRollouts, type RolloutEventView, type RolloutView } from "../store/rollouts";
