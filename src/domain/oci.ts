/**
 * The OCI distribution spec's names, as edgereg reads them: repository names are model names (lowercase on the
 * wire, matched to a model case-insensitively), tags are edgereg selectors, digests name manifests or blobs.
 */
import { badRequest } from "./errors";
import { classifyRefName } from "./names";
import { parseSelector, type Selector } from "./reference";

/** The spec's repository name grammar (one path component: edgereg model names have no "/"). */
export const REPOSITORY_PATTERN = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
export const TAG_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/** Only sha256 is stored (artifacts are content-addressed by it). */
export const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;
const ANY_DIGEST_PATTERN = /^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The OCI repository a model is pulled as: its name in lowercase, or null when that is not a valid repository name. */
export function repositoryOf(modelName: string): string | null {
  const lower = modelName.toLowerCase();
  return REPOSITORY_PATTERN.test(lower) ? lower : null;
}

export type OciReference = { kind: "tag"; tag: string; selector: Selector } | { kind: "digest"; digest: string };

/**
 * A manifest reference: a digest, or a tag read as an edgereg selector. A tag that is a stage, `latest`, a number
 * (`7`, `v7`), a semver or a range is that selector; any other tag is an alias (`champion`).
 */
export function parseOciReference(reference: string): OciReference {
  if (reference.includes(":")) return { kind: "digest", digest: parseDigest(reference) };
  if (!TAG_PATTERN.test(reference)) {
    throw badRequest(`'${reference}' is not a valid tag: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`, { field: "reference", reason: "tag_invalid" });
  }
  const ref = classifyRefName(reference);
  if (ref?.kind === "alias") return { kind: "tag", tag: reference, selector: { kind: "alias", alias: ref.name } };
  try {
    return { kind: "tag", tag: reference, selector: parseSelector(reference) };
  } catch {
    throw badRequest(`tag '${reference}' is not a stage, alias, version number, semver, range or latest`, {
      field: "reference",
      reason: "tag_invalid",
    });
  }
}

/** A digest edgereg can hold; other algorithms are well-formed but unsupported. */
export function parseDigest(digest: string): string {
  if (DIGEST_PATTERN.test(digest)) return digest;
  const reason = ANY_DIGEST_PATTERN.test(digest) && !digest.startsWith("sha256:") ? "digest_unsupported" : "digest_invalid";
  throw badRequest(`'${digest}' is not a sha256 digest (sha256:<64 lowercase hex>)`, { field: "digest", reason });
}

/** The spec's `n` and `last` list parameters. */
export interface ListWindow {
  n: number;
  last: string | null;
}

export const MAX_LIST_PAGE = 1000;

export function parseListWindow(n: string | undefined, last: string | undefined): ListWindow {
  let size = MAX_LIST_PAGE;
  if (n !== undefined) {
    if (!/^\d+$/.test(n) || Number(n) > MAX_LIST_PAGE) {
      throw badRequest(`n must be an integer from 0 to ${MAX_LIST_PAGE}`, { field: "n", reason: "pagination_number_invalid" });
    }
    size = Number(n);
  }
  return { n: size, last: last === undefined || last === "" ? null : last };
}

/** One page of a lexically sorted list after `last`; `more` says whether another page follows. */
export function listPage(sorted: readonly string[], window: ListWindow): { items: string[]; more: boolean } {
  const after = window.last === null ? sorted : sorted.filter((item) => item > window.last!);
  return { items: after.slice(0, window.n), more: after.length > window.n };
}

/** Code-unit (byte, for ASCII names) order: the spec's lexical order. */
export const lexically = (items: Iterable<string>) => [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The tags a model answers to: its refs, `latest` when a live version exists, and every READY version's number
 * (`v7`) and semver. Tags that are not valid OCI tags (none, today) are left out.
 */
export function tagsOf(input: { refs: readonly string[]; hasLatest: boolean; versions: readonly { number: number; semver: string }[] }): string[] {
  const tags = [...input.refs, ...(input.hasLatest ? ["latest"] : []), ...input.versions.flatMap((v) => [`v${v.number}`, v.semver])];
  return lexically(tags.filter((t) => TAG_PATTERN.test(t)));
}
