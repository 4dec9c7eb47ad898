/**
 * Semantic-versioning rules from a version's signature (DESIGN §7): what a new signature breaks or adds relative to
 * the previous version, the bump that change requires, and whether a proposed semver honours it.
 */
import semver from "semver";
import { badRequest } from "./errors";

export type SignatureField = { name: string; type: string; optional?: boolean };
export type Signature = { inputs: SignatureField[]; outputs: SignatureField[] };

export type Bump = "major" | "minor" | "patch";

export type SignatureChangeKind =
  | "removed_input"
  | "retyped_input"
  | "new_required_input"
  | "input_became_required"
  | "new_optional_input"
  | "input_became_optional"
  | "removed_output"
  | "retyped_output"
  | "new_output"
  | "output_optionality_changed";

export type SignatureChange = {
  kind: SignatureChangeKind;
  severity: Bump;
  input?: string;
  output?: string;
  detail: string;
};

/** The plan answer (DESIGN §4). */
export type VersionPlan = {
  required_bump: Bump;
  suggested_version: string;
  previous_version: string | null;
  changes: SignatureChange[];
};

const BUMP_RANK: Record<Bump, number> = { patch: 0, minor: 1, major: 2 };

export const FIRST_VERSION = "1.0.0";

/**
 * What `next` changes relative to `prev`, inputs first, in declaration order. When either side has no signature the
 * version made (or makes) no promise about its interface, so there is nothing to compare: no changes, a patch.
 * Callers whose inputs may be absent or malformed validate them first; duplicate field names are refused here
 * because they would make the comparison ambiguous.
 */
export function diffSignatures(prev: Signature | null, next: Signature | null): SignatureChange[] {
  if (!prev || !next) return [];
  return [...diffInputs(prev.inputs, next.inputs), ...diffOutputs(prev.outputs, next.outputs)];
}

/** The smallest bump that carries every change: any major change makes it major, any minor one minor. */
export function requiredBump(changes: SignatureChange[]): Bump {
  let bump: Bump = "patch";
  for (const c of changes) if (BUMP_RANK[c.severity] > BUMP_RANK[bump]) bump = c.severity;
  return bump;
}

/**
 * The plan for a new version after `previous` (the highest existing semver and its signature). A model's first
 * version has nothing to compare with: it is a patch-level plan suggesting 1.0.0.
 */
export function planVersion(
  previous: { semver: string; signature: Signature | null } | null,
  next: Signature | null,
): VersionPlan {
  if (!previous)
    return { required_bump: "patch", suggested_version: FIRST_VERSION, previous_version: null, changes: [] };
  const changes = diffSignatures(previous.signature, next);
  const bump = requiredBump(changes);
  return {
    required_bump: bump,
    suggested_version: lowestVersionFor(previous.semver, bump),
    previous_version: previous.semver,
    changes,
  };
}

/**
 * Why `next` may not follow `previous` (the highest existing semver) under the required bump, or null when it may.
 * It must be greater, and its major.minor.patch must reach semver's increment of that level: a prerelease of the new
 * line counts (1.3.0 → 2.0.0-rc.1 is major), and a prerelease's line may continue when it already carries the level
 * (2.0.0-rc.1 → 2.0.0-rc.2 or 2.0.0 under major; 1.3.1-rc.1 → 1.3.1 is only a patch).
 */
export function checkVersionBump(previous: string, next: string, required: Bump): string | null {
  const nextVersion = semver.parse(next);
  if (!nextVersion) return `${next} is not a semantic version (MAJOR.MINOR.PATCH)`;
  if (!semver.gt(nextVersion, parseVersion(previous))) {
    return `${next} must be greater than ${previous}, the highest existing version`;
  }
  const lowest = lowestVersionFor(previous, required);
  if (nextVersion.compareMain(lowest) < 0) {
    return `the signature change requires a ${required} bump after ${previous}: ${lowest} or later, not ${next}`;
  }
  return null;
}

/** semver's increment: 1.3.0 + minor → 1.4.0; 2.0.0-rc.1 + any level → 2.0.0. */
function lowestVersionFor(previous: string, bump: Bump): string {
  const next = semver.inc(parseVersion(previous), bump);
  if (!next) throw badRequest(`cannot increment ${previous}`);
  return next;
}

function parseVersion(version: string): semver.SemVer {
  const parsed = semver.parse(version);
  if (!parsed) throw badRequest(`${version} is not a semantic version`, { version });
  return parsed;
}

function diffInputs(prev: SignatureField[], next: SignatureField[]): SignatureChange[] {
  const before = fieldsByName(prev, "input");
  const after = fieldsByName(next, "input");
  const changes: SignatureChange[] = [];
  const change = (kind: SignatureChangeKind, severity: Bump, input: string, detail: string) =>
    changes.push({ kind, severity, input, detail });
  for (const old of prev) {
    const now = after.get(old.name);
    if (!now) {
      change("removed_input", "major", old.name, `input ${old.name} (${old.type}) was removed`);
      continue;
    }
    if (now.type !== old.type) {
      change("retyped_input", "major", old.name, `input ${old.name} changed type from ${old.type} to ${now.type}`);
    }
    if (old.optional && !now.optional) {
      change("input_became_required", "major", old.name, `input ${old.name} was optional and is now required`);
    } else if (!old.optional && now.optional) {
      change("input_became_optional", "minor", old.name, `input ${old.name} was required and is now optional`);
    }
  }
  for (const added of next) {
    if (before.has(added.name)) continue;
    if (added.optional)
      change("new_optional_input", "minor", added.name, `new optional input ${added.name} (${added.type})`);
    else change("new_required_input", "major", added.name, `new required input ${added.name} (${added.type})`);
  }
  return changes;
}

/** Consumers read outputs, so any change to one breaks somebody: every output change is major. */
function diffOutputs(prev: SignatureField[], next: SignatureField[]): SignatureChange[] {
  const before = fieldsByName(prev, "output");
  const after = fieldsByName(next, "output");
  const changes: SignatureChange[] = [];
  const change = (kind: SignatureChangeKind, output: string, detail: string) =>
    changes.push({ kind, severity: "major", output, detail });
  for (const old of prev) {
    const now = after.get(old.name);
    if (!now) {
      change("removed_output", old.name, `output ${old.name} (${old.type}) was removed`);
      continue;
    }
    if (now.type !== old.type)
      change("retyped_output", old.name, `output ${old.name} changed type from ${old.type} to ${now.type}`);
    if (!old.optional !== !now.optional) {
      change(
        "output_optionality_changed",
        old.name,
        `output ${old.name} is now ${now.optional ? "optional" : "always present"}`,
      );
    }
  }
  for (const added of next) {
    if (!before.has(added.name)) change("new_output", added.name, `new output ${added.name} (${added.type})`);
  }
  return changes;
}

function fieldsByName(fields: SignatureField[], side: "input" | "output"): Map<string, SignatureField> {
  const byName = new Map<string, SignatureField>();
  for (const f of fields) {
    if (byName.has(f.name)) throw badRequest(`the signature lists ${side} ${f.name} twice`, { [side]: f.name });
    byName.set(f.name, f);
  }
  return byName;
}
