/**
 * Which version a reference names, given what storage read in one round trip (DESIGN §3, §5).
 *
 * Floating selectors (`latest`, ranges) pick among READY, non-archived versions: archiving a version is how a team
 * retires it, so it should stop being picked. Pinned selectors (a number, an exact semver) and refs resolve
 * whatever they name as long as it is READY: a PENDING or FAILED version never resolves.
 */
import { closestNames, didYouMean } from "./suggest";
import { armFor, type Arm } from "./canary";
import { notFound } from "./errors";
import type { Stage } from "./names";
import { bestInRange } from "./ranges";
import type { ModelReference, Selector } from "./reference";

export interface CandidateVersion {
  id: string;
  number: number;
  semver: string;
  status: string;
  archived: boolean;
}

export interface RefPointer {
  name: string;
  versionId: string;
}

export interface ActiveRollout {
  id: string;
  salt: string;
  weightBp: number;
  candidateVersionId: string;
}

export interface ResolutionInput {
  reference: ModelReference;
  /** Every ref of the model. */
  refs: readonly RefPointer[];
  /** The active rollout on the selector's ref, if any. */
  rollout: ActiveRollout | null;
  /** The versions storage narrowed the selector to (a superset for ranges). */
  versions: readonly CandidateVersion[];
  /** Called only under a rollout: the request's routing key. */
  routingKey: () => string;
}

export interface Resolution {
  versionId: string;
  /** The ref the answer went through (Production, Staging or an alias), else null. */
  ref: string | null;
  arm: Arm | null;
  rolloutId: string | null;
}

export function selectorRef(selector: Selector): Stage | string | null {
  if (selector.kind === "stage") return selector.stage;
  if (selector.kind === "alias") return selector.alias;
  return null;
}

/** Throws notFound, saying what is missing, when the reference names no READY version. */
export function chooseVersion(input: ResolutionInput): Resolution {
  const { reference, versions } = input;
  const { model, selector } = reference;
  const ready = (v: CandidateVersion | undefined, what: string): CandidateVersion => {
    if (!v) throw notFound(`${what} of model '${model}' does not exist`, { model, reason: "no_version" });
    if (v.status !== "READY") {
      throw notFound(`version ${v.number} of model '${model}' is ${v.status}; only READY versions resolve`, {
        model,
        version: v.number,
        status: v.status,
        reason: "not_ready",
      });
    }
    return v;
  };
  const floating = versions.filter((v) => v.status === "READY" && !v.archived);

  switch (selector.kind) {
    case "stage":
    case "alias": {
      const name = selectorRef(selector)!;
      const pointer = input.refs.find((r) => r.name === name);
      if (!pointer) {
        // The caller may read this model (authorized before resolving), so naming its other refs reveals nothing.
        const suggestions = closestNames(name, input.refs.map((r) => r.name));
        throw notFound(`ref '${name}' of model '${model}' is not set.${didYouMean(suggestions)}`, { model, ref: name, reason: "no_ref", suggestions });
      }
      const arm = input.rollout ? armFor(input.rollout, input.routingKey()) : null;
      const versionId = arm === "candidate" ? input.rollout!.candidateVersionId : pointer.versionId;
      const version = ready(versions.find((v) => v.id === versionId), `the version ${name} points to`);
      return { versionId: version.id, ref: name, arm, rolloutId: input.rollout?.id ?? null };
    }
    case "number":
      return pinned(ready(versions.find((v) => v.number === selector.number), `version ${selector.number}`));
    case "semver":
      return pinned(ready(versions.find((v) => v.semver === selector.semver), `version ${selector.semver}`));
    case "latest": {
      const best = floating.reduce<CandidateVersion | undefined>((a, v) => (!a || v.number > a.number ? v : a), undefined);
      if (!best) throw notFound(`model '${model}' has no READY, non-archived version`, { model, reason: "no_version" });
      return pinned(best);
    }
    case "range": {
      const semver = bestInRange(floating.map((v) => v.semver), selector.range);
      const best = floating.find((v) => v.semver === semver);
      if (!best) {
        throw notFound(`no READY, non-archived version of model '${model}' satisfies '${selector.range}'`, {
          model,
          range: selector.range,
          reason: "no_version",
        });
      }
      return pinned(best);
    }
  }
}

const pinned = (v: CandidateVersion): Resolution => ({ versionId: v.id, ref: null, arm: null, rolloutId: null });
