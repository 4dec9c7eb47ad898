/**
 * Model references (DESIGN §3): `models:/NAME/SELECTOR[/ARTIFACT_PATH]` and `models:/NAME@ALIAS[/ARTIFACT_PATH]`.
 *
 * Selector precedence, first match wins:
 *   stage (`Production`, `Staging`, any case) · `latest` (any case) · `v<N>` and `<N>` (version number, N ≥ 1,
 *   no leading zeros) · exact semver in canonical form (`2.1.0`, `2.1.0-rc.1`) · semver range (`^2.1`, `~2.1.3`,
 *   `>=1.2 <2`, `1.x`, `*`, and also `1.2`, which means 1.2.x).
 * So a bare `7` is version number 7, never the range 7.x; write `7.x` or `^7` for that.
 * A range keeps the text as written (not semver's expanded form): resolvers hand it to semver as is, and
 * formatting gives back what the user typed.
 * Build metadata (`2.1.0+abc`) is refused: it takes no part in semver precedence, so it cannot select a version.
 */
import semver from "semver";
import { badRequest } from "./errors";
import { MAX_RANGE_ALTERNATIVES, rangeCost, rangePlan } from "./ranges";
import { closestNames, didYouMean } from "./suggest";
import { canonicalStage, classifyRefName, isReservedRefName, MODEL_NAME_PATTERN, type Stage } from "./names";

export type Selector =
  | { kind: "stage"; stage: Stage }
  | { kind: "alias"; alias: string }
  | { kind: "number"; number: number }
  | { kind: "semver"; semver: string }
  | { kind: "range"; range: string }
  | { kind: "latest" };

export interface ModelReference {
  model: string;
  selector: Selector;
  path: string | null;
}

export const REFERENCE_SCHEME = "models:/";
export const MAX_REFERENCE_LENGTH = 2048;
export const MAX_ARTIFACT_PATH_BYTES = 512;

export type ReferenceErrorReason =
  | "too_long"
  | "missing_scheme"
  | "empty_segment"
  | "bad_model_name"
  | "missing_selector"
  | "bad_alias"
  | "reserved_alias"
  | "bad_selector"
  | "bad_version_number"
  | "bad_path";

const utf8 = new TextEncoder();

// Lone surrogates cannot be encoded as UTF-8, so such a path could never name a stored object.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F]/;

/** Parses `models:/…`; throws badRequest with details `{field: "ref", reason, input}`. */
export function parseReference(input: string): ModelReference {
  const fail = (reason: ReferenceErrorReason, message: string) => referenceError(reason, message, input);
  if (input.length > MAX_REFERENCE_LENGTH) {
    return fail("too_long", `reference is ${input.length} characters long; at most ${MAX_REFERENCE_LENGTH} are allowed`);
  }
  if (input.slice(0, REFERENCE_SCHEME.length).toLowerCase() !== REFERENCE_SCHEME) {
    return fail("missing_scheme", `reference "${input}" must start with "${REFERENCE_SCHEME}", as in models:/NAME/Production`);
  }
  const rest = input.slice(REFERENCE_SCHEME.length);
  if (rest === "" || rest.startsWith("/") || rest.startsWith("@")) {
    return fail("empty_segment", `reference "${input}" has no model name after "${REFERENCE_SCHEME}"`);
  }

  // The model name ends at the first "/" or "@": neither may appear in a name.
  const nameEnd = rest.search(/[/@]/);
  const model = nameEnd < 0 ? rest : rest.slice(0, nameEnd);
  if (!MODEL_NAME_PATTERN.test(model)) {
    return fail(
      "bad_model_name",
      `"${model}" is not a valid model name: a letter or digit, then letters, digits, ".", "_" or "-", at most 128 characters`,
    );
  }
  if (nameEnd < 0) {
    return fail("missing_selector", `reference "${input}" names no version: add one, as in models:/${model}/latest`);
  }

  // The selector segment ends at the next "/"; what follows is the artifact path.
  const afterName = rest.slice(nameEnd + 1);
  const selectorEnd = afterName.indexOf("/");
  const segment = selectorEnd < 0 ? afterName : afterName.slice(0, selectorEnd);
  const path = selectorEnd < 0 ? null : afterName.slice(selectorEnd + 1);

  let selector: Selector;
  if (rest[nameEnd] === "@") {
    selector = { kind: "alias", alias: checkAlias(segment, model, input) };
  } else if (segment === "") {
    return fail("empty_segment", `reference "${input}" has an empty version selector after "models:/${model}/"`);
  } else if (segment.startsWith("@")) {
    return fail("bad_selector", `an alias follows the model name directly: write models:/${model}${segment}`);
  } else {
    selector = selectorOf(segment, input, model);
  }

  if (path !== null) {
    const problem = validateArtifactPath(path);
    if (problem) return fail("bad_path", `artifact path "${path}" in reference "${input}": ${problem}`);
  }
  return { model, selector, path };
}

/**
 * Parses the REF segment of routes such as `/v1/r/NAME/REF/path` (already URL-decoded): `Production`, `@champion`,
 * `7`, `v7`, `2.1.0`, `^2.1`, `latest`. An alias carries a leading "@" so it can never be mistaken for a selector.
 */
export function parseSelector(segment: string): Selector {
  if (segment.startsWith("@")) return { kind: "alias", alias: checkAlias(segment.slice(1), null, segment) };
  if (segment === "") return referenceError("empty_segment", "version selector is empty", segment);
  return selectorOf(segment, segment, null);
}

/** The canonical `models:/…` string; parseReference(formatReference(r)) deep-equals r. */
export function formatReference(ref: ModelReference): string {
  const head =
    ref.selector.kind === "alias"
      ? `${REFERENCE_SCHEME}${ref.model}@${ref.selector.alias}`
      : `${REFERENCE_SCHEME}${ref.model}/${formatSelector(ref.selector)}`;
  return ref.path === null ? head : `${head}/${ref.path}`;
}

/** The route form of a selector (aliases as `@alias`); parseSelector(formatSelector(s)) deep-equals s. */
export function formatSelector(selector: Selector): string {
  switch (selector.kind) {
    case "stage":
      return selector.stage;
    case "alias":
      return `@${selector.alias}`;
    case "number":
      return String(selector.number);
    case "semver":
      return selector.semver;
    case "range":
      return selector.range;
    case "latest":
      return "latest";
  }
}

/** Why `path` cannot name an artifact inside a version, or null when it can. */
export function validateArtifactPath(path: string): string | null {
  if (path === "") return "path is empty";
  if (LONE_SURROGATE.test(path)) return "path is not valid Unicode (it has a lone surrogate)";
  if (utf8.encode(path).length > MAX_ARTIFACT_PATH_BYTES) {
    return `path is longer than ${MAX_ARTIFACT_PATH_BYTES} bytes of UTF-8`;
  }
  if (CONTROL_CHARACTER.test(path)) return "path contains a control character";
  if (path.includes("\\")) return 'path contains a backslash; separate segments with "/"';
  if (path.startsWith("/")) return 'path must be relative (no leading "/")';
  for (const segment of path.split("/")) {
    if (segment === "") return 'path has an empty segment ("//" or a trailing "/")';
    if (segment === "." || segment === "..") return `path has a "${segment}" segment`;
  }
  return null;
}

function selectorOf(segment: string, input: string, model: string | null): Selector {
  const fail = (reason: ReferenceErrorReason, message: string) => referenceError(reason, message, input);
  if (CONTROL_CHARACTER.test(segment)) return fail("bad_selector", "version selector contains a control character");
  if (segment.trim() !== segment) {
    return fail("bad_selector", `version selector "${segment}" has leading or trailing whitespace`);
  }
  const stage = canonicalStage(segment);
  if (stage) return { kind: "stage", stage };
  if (segment.toLowerCase() === "latest") return { kind: "latest" };

  const digits = /^[vV]?(-?\d+)$/.exec(segment)?.[1];
  if (digits !== undefined) return { kind: "number", number: versionNumber(digits, segment, input) };

  if (segment.includes("+")) {
    return fail("bad_selector", `"${segment}" has build metadata ("+…"), which cannot select a version; leave it out`);
  }
  if (/^[vV]\d/.test(segment)) {
    return fail("bad_selector", `"${segment}": write semantic versions without a leading "v", as in "${segment.slice(1)}"`);
  }
  if (semver.valid(segment) === segment) return { kind: "semver", semver: segment };
  if (semver.validRange(segment) !== null) {
    const cost = rangeCost(rangePlan(segment));
    if (cost > MAX_RANGE_ALTERNATIVES) {
      return fail("bad_selector", `range "${segment.slice(0, 80)}" has ${cost} alternatives (windows and prerelease versions); at most ${MAX_RANGE_ALTERNATIVES} are allowed`);
    }
    return { kind: "range", range: segment };
  }

  const words = `"${segment}" is not a stage (Production, Staging), "latest", a version number, a semantic version or a semver range`;
  const meant = didYouMean(closestNames(segment, ["Production", "Staging", "latest"], 1));
  if (classifyRefName(segment)?.kind !== "alias") return fail("bad_selector", `${words}.${meant}`);
  const spelled = model === null ? `"@${segment}"` : `models:/${model}@${segment}`;
  return fail("bad_selector", `${words}; an alias is written ${spelled}.${meant}`);
}

function versionNumber(digits: string, segment: string, input: string): number {
  const fail = (message: string) => referenceError("bad_version_number", message, input);
  if (digits.startsWith("-") || /^0+$/.test(digits)) return fail(`version numbers start at 1; got "${segment}"`);
  if (digits.startsWith("0")) return fail(`version number "${segment}" has leading zeros`);
  const number = Number(digits);
  if (!Number.isSafeInteger(number)) return fail(`version number "${segment}" is too large`);
  return number;
}

function checkAlias(alias: string, model: string | null, input: string): string {
  const fail = (reason: ReferenceErrorReason, message: string) => referenceError(reason, message, input);
  if (alias === "") return fail("empty_segment", 'alias after "@" is empty');
  const ref = classifyRefName(alias);
  if (ref?.kind === "alias") return alias;
  if (ref?.kind === "stage") {
    const written = model === null ? ref.name : `models:/${model}/${ref.name}`;
    return fail("bad_alias", `"${alias}" is a stage, not an alias: write ${written}`);
  }
  if (isReservedRefName(alias)) {
    return fail("reserved_alias", `"${alias}" is reserved (latest, v<N>, None, Archived) and cannot be an alias`);
  }
  return fail(
    "bad_alias",
    `"${alias}" is not a valid alias: a letter, then letters, digits, "_" or "-", at most 64 characters`,
  );
}

function referenceError(reason: ReferenceErrorReason, message: string, input: string): never {
  // Echo at most a screenful of the input: the message already quotes what matters.
  const echoed = input.length > 256 ? `${input.slice(0, 256)}…` : input;
  throw badRequest(message, { field: "ref", reason, input: echoed });
}
