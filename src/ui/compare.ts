/**
 * The compare page's rows: each metric, parameter, lineage field and signature field across the versions, flagged
 * when the versions differ, and the semver rule's verdict between each version and the first. Pure and unit-tested.
 */
import semver from "semver";
import { checkVersionBump, diffSignatures, requiredBump, type Bump, type Signature, type SignatureChange } from "../domain/signature";

export interface Comparable {
  number: number;
  semver: string;
  metrics: Record<string, number>;
  params: Record<string, string | number | boolean>;
  dataset: { name: string; version?: string | null; digest?: string | null } | null;
  signature: Signature | null;
  run_id: string | null;
  git_commit: string | null;
}

export interface CompareRow {
  label: string;
  /** One cell per version, in the versions' order; null when the version lacks the field. */
  cells: (string | null)[];
  differs: boolean;
  /** For metrics: each value minus the first version's, when both exist. */
  deltas?: (number | null)[];
}

export interface CompareSection {
  title: string;
  rows: CompareRow[];
}

const differ = (cells: (string | null)[]) => new Set(cells).size > 1;

function rowOf(label: string, cells: (string | null)[]): CompareRow {
  return { label, cells, differs: differ(cells) };
}

/** Keys of every version, in first-seen order: a field one version lacks still gets its row. */
function keysOf(records: Record<string, unknown>[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))].sort((a, b) => a.localeCompare(b));
}

export function compareSections(versions: readonly Comparable[]): CompareSection[] {
  const metrics = keysOf(versions.map((v) => v.metrics)).map((m) => {
    const values = versions.map((v) => (v.metrics[m] === undefined ? null : v.metrics[m]!));
    const base = values[0];
    return {
      ...rowOf(m, values.map((x) => (x === null ? null : String(x)))),
      deltas: values.map((x) => (x === null || base === null || base === undefined ? null : x - base)),
    };
  });
  const params = keysOf(versions.map((v) => v.params)).map((p) => rowOf(p, versions.map((v) => (v.params[p] === undefined ? null : String(v.params[p])))));
  const lineage = [
    rowOf("dataset", versions.map((v) => (v.dataset ? `${v.dataset.name}${v.dataset.version ? `@${v.dataset.version}` : ""}` : null))),
    rowOf("dataset digest", versions.map((v) => v.dataset?.digest ?? null)),
    rowOf("run id", versions.map((v) => v.run_id)),
    rowOf("git commit", versions.map((v) => (v.git_commit ? v.git_commit.slice(0, 12) : null))),
  ].filter((r) => r.cells.some((c) => c !== null));
  const field = (side: "inputs" | "outputs") =>
    [...new Set(versions.flatMap((v) => (v.signature?.[side] ?? []).map((f) => f.name)))].map((name) =>
      rowOf(
        `${side === "inputs" ? "input" : "output"} ${name}`,
        versions.map((v) => {
          const f = v.signature?.[side].find((x) => x.name === name);
          return f ? `${f.type}${f.optional ? " (optional)" : ""}` : null;
        }),
      ),
    );
  return [
    { title: "Metrics", rows: metrics },
    { title: "Parameters", rows: params },
    { title: "Dataset and lineage", rows: lineage },
    { title: "Signature", rows: [...field("inputs"), ...field("outputs")] },
  ];
}

export interface SemverVerdict {
  /** The lower and higher semver of the pair. */
  from: { number: number; semver: string };
  to: { number: number; semver: string };
  changes: SignatureChange[];
  required: Bump;
  /** Null when the higher version's semver honours the bump its signature change requires. */
  problem: string | null;
}

/** The semver rule between two versions: what the newer signature changes and whether its number says so. */
export function semverVerdict(a: Comparable, b: Comparable): SemverVerdict | null {
  const pa = semver.parse(a.semver);
  const pb = semver.parse(b.semver);
  if (!pa || !pb || semver.eq(pa, pb)) return null;
  const [lower, higher] = semver.lt(pa, pb) ? [a, b] : [b, a];
  const changes = diffSignatures(lower.signature, higher.signature);
  const required = requiredBump(changes);
  return {
    from: { number: lower.number, semver: lower.semver },
    to: { number: higher.number, semver: higher.semver },
    changes,
    required,
    problem: checkVersionBump(lower.semver, higher.semver, required),
  };
}
