import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import {
  formatReference,
  formatSelector,
  type ModelReference,
  parseReference,
  parseSelector,
  type Selector,
  validateArtifactPath,
} from "./reference";

const ref = (model: string, selector: Selector, path: string | null = null): ModelReference => ({ model, selector, path });
const stage = (s: "Production" | "Staging"): Selector => ({ kind: "stage", stage: s });
const alias = (a: string): Selector => ({ kind: "alias", alias: a });
const number = (n: number): Selector => ({ kind: "number", number: n });
const exact = (v: string): Selector => ({ kind: "semver", semver: v });
const range = (r: string): Selector => ({ kind: "range", range: r });
const latest: Selector = { kind: "latest" };

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("parseReference: accepted forms", () => {
  it.each<[string, ModelReference]>([
    ["models:/fraud/Production", ref("fraud", stage("Production"))],
    ["models:/fraud/Staging", ref("fraud", stage("Staging"))],
    ["models:/fraud/production", ref("fraud", stage("Production"))],
    ["models:/fraud/PRODUCTION", ref("fraud", stage("Production"))],
    ["models:/fraud/sTaGiNg", ref("fraud", stage("Staging"))],
    ["models:/fraud@champion", ref("fraud", alias("champion"))],
    ["models:/fraud@Champion_2-b", ref("fraud", alias("Champion_2-b"))],
    ["models:/fraud/7", ref("fraud", number(7))],
    ["models:/fraud/1", ref("fraud", number(1))],
    ["models:/fraud/1234567", ref("fraud", number(1234567))],
    ["models:/fraud/v7", ref("fraud", number(7))],
    ["models:/fraud/V12", ref("fraud", number(12))],
    ["models:/fraud/2.1.0", ref("fraud", exact("2.1.0"))],
    ["models:/fraud/0.0.1", ref("fraud", exact("0.0.1"))],
    ["models:/fraud/2.1.0-rc.1", ref("fraud", exact("2.1.0-rc.1"))],
    ["models:/fraud/10.20.30-alpha.beta.1", ref("fraud", exact("10.20.30-alpha.beta.1"))],
    ["models:/fraud/^2.1", ref("fraud", range("^2.1"))],
    ["models:/fraud/~2.1.3", ref("fraud", range("~2.1.3"))],
    ["models:/fraud/>=1.2 <2", ref("fraud", range(">=1.2 <2"))],
    ["models:/fraud/1.x", ref("fraud", range("1.x"))],
    ["models:/fraud/*", ref("fraud", range("*"))],
    ["models:/fraud/1.2", ref("fraud", range("1.2"))],
    ["models:/fraud/1.2.x || >=3", ref("fraud", range("1.2.x || >=3"))],
    ["models:/fraud/1.2.3 - 2.0.0", ref("fraud", range("1.2.3 - 2.0.0"))],
    ["models:/fraud/=2.1.0", ref("fraud", range("=2.1.0"))],
    ["models:/fraud/latest", ref("fraud", latest)],
    ["models:/fraud/LATEST", ref("fraud", latest)],
    ["models:/fraud/Latest", ref("fraud", latest)],
    ["MODELS:/fraud/7", ref("fraud", number(7))],
  ])("%s", (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });
});

describe("parseReference: model names", () => {
  it.each([
    ["models:/my.model-v2_x/3", "my.model-v2_x"],
    ["models:/0/3", "0"],
    ["models:/A/3", "A"],
    ["models:/flight_delay/3", "flight_delay"],
    ["models:/a..b/3", "a..b"],
    [`models:/${"m".repeat(128)}/3`, "m".repeat(128)],
  ])("%s has model %s", (input, model) => {
    expect(parseReference(input).model).toBe(model);
  });

  it.each([
    "models:/.hidden/1",
    "models:/-dash/1",
    "models:/_under/1",
    "models:/sp ace/1",
    "models:/naïve/1",
    "models:/a:b/1",
    "models:/a%2Fb/1",
    `models:/${"m".repeat(129)}/1`,
  ])("%s has a bad model name", (input) => {
    expect(errorOf(() => parseReference(input)).details).toMatchObject({ reason: "bad_model_name" });
  });
});

describe("parseReference: artifact paths", () => {
  it.each<[string, ModelReference]>([
    ["models:/fraud/Production/model/weights.bin", ref("fraud", stage("Production"), "model/weights.bin")],
    ["models:/fraud@champion/onnx/model.onnx", ref("fraud", alias("champion"), "onnx/model.onnx")],
    ["models:/fraud/7/model.pkl", ref("fraud", number(7), "model.pkl")],
    ["models:/fraud/v7/a/b/c/d.txt", ref("fraud", number(7), "a/b/c/d.txt")],
    ["models:/fraud/2.1.0/MLmodel", ref("fraud", exact("2.1.0"), "MLmodel")],
    ["models:/fraud/^2.1/model.onnx", ref("fraud", range("^2.1"), "model.onnx")],
    ["models:/fraud/>=1.2 <2/model.onnx", ref("fraud", range(">=1.2 <2"), "model.onnx")],
    ["models:/fraud/latest/x", ref("fraud", latest, "x")],
    ["models:/fraud/7/weights@v2.bin", ref("fraud", number(7), "weights@v2.bin")],
    ["models:/fraud@champion/a@b/c@d", ref("fraud", alias("champion"), "a@b/c@d")],
    ["models:/fraud/7/.config/x", ref("fraud", number(7), ".config/x")],
    ["models:/fraud/7/...", ref("fraud", number(7), "...")],
    ["models:/fraud/7/a..b", ref("fraud", number(7), "a..b")],
    ["models:/fraud/7/with space.txt", ref("fraud", number(7), "with space.txt")],
    ["models:/fraud/7/日本語/модель.bin", ref("fraud", number(7), "日本語/модель.bin")],
  ])("%s", (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    "models:/fraud/7/",
    "models:/fraud@champion/",
    "models:/fraud/7/a/",
    "models:/fraud/7/a//b",
    "models:/fraud/7//a",
    "models:/fraud/7/../secrets",
    "models:/fraud/7/a/../../b",
    "models:/fraud/7/./a",
    "models:/fraud/7/a/.",
    "models:/fraud/7/a\\b",
    "models:/fraud/7/a\u0000b",
    "models:/fraud/7/a\nb",
    "models:/fraud/7/a\u007fb",
    `models:/fraud/7/${"a".repeat(513)}`,
    `models:/fraud/7/${"é".repeat(257)}`,
  ])("%j has a bad path", (input) => {
    const error = errorOf(() => parseReference(input));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.details).toMatchObject({ field: "ref", reason: "bad_path" });
  });

  it("accepts a path of exactly 512 bytes", () => {
    expect(parseReference(`models:/m/1/${"a".repeat(512)}`).path).toHaveLength(512);
  });
});

describe("parseReference: errors", () => {
  it.each<[string, string, RegExp]>([
    ["", "missing_scheme", /must start with "models:\/"/],
    ["fraud/Production", "missing_scheme", /must start with "models:\/"/],
    ["models:fraud/1", "missing_scheme", /must start with/],
    [" models:/fraud/1", "missing_scheme", /must start with/],
    ["runs:/abc/model", "missing_scheme", /must start with/],
    ["models:/", "empty_segment", /no model name/],
    ["models://x", "empty_segment", /no model name/],
    ["models:/@champion", "empty_segment", /no model name/],
    ["models:/x", "missing_selector", /names no version.*models:\/x\/latest/],
    ["models:/x/", "empty_segment", /empty version selector/],
    ["models:/x//a", "empty_segment", /empty version selector/],
    ["models:/x@", "empty_segment", /alias after "@" is empty/],
    ["models:/x@/a", "empty_segment", /alias after "@" is empty/],
    ["models:/m@latest", "reserved_alias", /"latest" is reserved/],
    ["models:/m@LATEST", "reserved_alias", /reserved/],
    ["models:/m@v7", "reserved_alias", /reserved/],
    ["models:/m@None", "reserved_alias", /reserved/],
    ["models:/m@archived", "reserved_alias", /reserved/],
    ["models:/m@Production", "bad_alias", /is a stage.*models:\/m\/Production/],
    ["models:/m@staging", "bad_alias", /is a stage.*models:\/m\/Staging/],
    ["models:/m@7", "bad_alias", /not a valid alias/],
    ["models:/m@_x", "bad_alias", /not a valid alias/],
    ["models:/m@a.b", "bad_alias", /not a valid alias/],
    ["models:/m@a@b", "bad_alias", /not a valid alias/],
    [`models:/m@a${"b".repeat(64)}`, "bad_alias", /not a valid alias/],
    ["models:/m/@champion", "bad_selector", /models:\/m@champion/],
    ["models:/m/champion", "bad_selector", /not a stage.*models:\/m@champion/],
    ["models:/m/Prod", "bad_selector", /not a stage/],
    ["models:/m/None", "bad_selector", /not a stage/],
    ["models:/m/Archived", "bad_selector", /not a stage/],
    ["models:/m/1.2.3.4", "bad_selector", /not a stage/],
    ["models:/m/01.2.3", "bad_selector", /not a stage/],
    ["models:/m/2.1.0-", "bad_selector", /not a stage/],
    ["models:/m/^", "bad_selector", /not a stage/],
    ["models:/m/Production@x", "bad_selector", /not a stage/],
    ["models:/m/v2.1.0", "bad_selector", /without a leading "v".*"2.1.0"/],
    ["models:/m/V1.2", "bad_selector", /without a leading "v"/],
    ["models:/m/2.1.0+build.5", "bad_selector", /build metadata/],
    ["models:/m/^2.1+x", "bad_selector", /build metadata/],
    ["models:/m/ ^2.1", "bad_selector", /whitespace/],
    ["models:/m/^2.1 ", "bad_selector", /whitespace/],
    ["models:/m/^2.1\t<3", "bad_selector", /control character/],
    ["models:/m/0", "bad_version_number", /start at 1/],
    ["models:/m/000", "bad_version_number", /start at 1/],
    ["models:/m/v0", "bad_version_number", /start at 1/],
    ["models:/m/-1", "bad_version_number", /start at 1/],
    ["models:/m/-0", "bad_version_number", /start at 1/],
    ["models:/m/07", "bad_version_number", /leading zeros/],
    ["models:/m/v007", "bad_version_number", /leading zeros/],
    ["models:/m/99999999999999999999", "bad_version_number", /too large/],
  ])("%j → %s", (input, reason, message) => {
    const error = errorOf(() => parseReference(input));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(message);
    expect(error.details).toEqual({ field: "ref", reason, input });
  });

  it("caps the input at 2048 characters with a clear message", () => {
    const input = `models:/m/1/${"a/".repeat(2000)}b`;
    const error = errorOf(() => parseReference(input));
    expect(error.message).toBe(`reference is ${input.length} characters long; at most 2048 are allowed`);
    expect(error.details).toMatchObject({ field: "ref", reason: "too_long" });
    expect(String((error.details as { input: string }).input).length).toBeLessThanOrEqual(257);
  });

  it("checks the length before anything else, even for huge inputs", () => {
    const error = errorOf(() => parseReference("x".repeat(1_000_000)));
    expect(error.details).toMatchObject({ reason: "too_long" });
  });

  it.each([
    [2048, "bad_path"],
    [2049, "too_long"],
  ])("an input of %d characters fails with %s", (length, reason) => {
    // No valid reference comes near the cap (name ≤ 128, path ≤ 512 bytes), so only the reason tells the cap apart.
    const prefix = "models:/m/1/";
    const input = `${prefix}${"a".repeat(length - prefix.length)}`;
    expect(errorOf(() => parseReference(input)).details).toMatchObject({ reason });
  });
});

describe("parseSelector (route form)", () => {
  it.each<[string, Selector]>([
    ["Production", stage("Production")],
    ["production", stage("Production")],
    ["STAGING", stage("Staging")],
    ["@champion", alias("champion")],
    ["@Shadow-2", alias("Shadow-2")],
    ["7", number(7)],
    ["v7", number(7)],
    ["2.1.0", exact("2.1.0")],
    ["2.1.0-rc.1", exact("2.1.0-rc.1")],
    ["latest", latest],
    ["Latest", latest],
    ["^2.1", range("^2.1")],
    ["~2.1.3", range("~2.1.3")],
    [">=1.2 <2", range(">=1.2 <2")],
    ["1.x", range("1.x")],
    ["1.2", range("1.2")],
    ["*", range("*")],
  ])("%j", (segment, expected) => {
    expect(parseSelector(segment)).toEqual(expected);
  });

  it.each<[string, string, RegExp]>([
    ["", "empty_segment", /empty/],
    ["@", "empty_segment", /alias after "@" is empty/],
    ["champion", "bad_selector", /an alias is written "@champion"/],
    ["Prod", "bad_selector", /an alias is written "@Prod"/],
    ["latest-model", "bad_selector", /"@latest-model"/],
    ["none", "bad_selector", /not a stage/],
    ["a.b", "bad_selector", /not a stage/],
    ["@latest", "reserved_alias", /reserved/],
    ["@v3", "reserved_alias", /reserved/],
    ["@Production", "bad_alias", /is a stage, not an alias: write Production/],
    ["@9lives", "bad_alias", /not a valid alias/],
    ["0", "bad_version_number", /start at 1/],
    ["v2.1.0", "bad_selector", /leading "v"/],
    ["a/b", "bad_selector", /not a stage/],
  ])("%j → %s", (segment, reason, message) => {
    const error = errorOf(() => parseSelector(segment));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(message);
    expect(error.details).toEqual({ field: "ref", reason, input: segment });
  });

  it("does not suggest @word when the word could not be an alias", () => {
    expect(errorOf(() => parseSelector("a.b")).message).not.toMatch(/@/);
  });
});

describe("formatReference and formatSelector", () => {
  it.each<[ModelReference, string]>([
    [ref("fraud", stage("Production")), "models:/fraud/Production"],
    [ref("fraud", alias("champion")), "models:/fraud@champion"],
    [ref("fraud", number(7)), "models:/fraud/7"],
    [ref("fraud", exact("2.1.0")), "models:/fraud/2.1.0"],
    [ref("fraud", range(">=1.2 <2")), "models:/fraud/>=1.2 <2"],
    [ref("fraud", latest), "models:/fraud/latest"],
    [ref("fraud", stage("Staging"), "model/weights.bin"), "models:/fraud/Staging/model/weights.bin"],
    [ref("fraud", alias("champion"), "onnx/model.onnx"), "models:/fraud@champion/onnx/model.onnx"],
  ])("%j → %s", (reference, text) => {
    expect(formatReference(reference)).toBe(text);
  });

  it.each([
    ["models:/fraud/production", "models:/fraud/Production"],
    ["models:/fraud/LATEST", "models:/fraud/latest"],
    ["models:/fraud/v7", "models:/fraud/7"],
    ["MODELS:/fraud/V7/a", "models:/fraud/7/a"],
  ])("canonicalises %s as %s", (input, canonical) => {
    expect(formatReference(parseReference(input))).toBe(canonical);
  });

  it.each([
    "models:/fraud/Production",
    "models:/fraud/Staging/a/b.bin",
    "models:/fraud@champion",
    "models:/fraud@champion/a@b/c",
    "models:/my.model-v2_x/3",
    "models:/fraud/2.1.0-rc.1/x",
    "models:/fraud/^2.1",
    "models:/fraud/>=1.2 <2/model.onnx",
    "models:/fraud/1.2",
    "models:/fraud/*",
    "models:/fraud/latest/日本語.bin",
  ])("round-trips %s", (input) => {
    const parsed = parseReference(input);
    expect(formatReference(parsed)).toBe(input);
    expect(parseReference(formatReference(parsed))).toEqual(parsed);
  });

  it.each<Selector>([stage("Production"), stage("Staging"), alias("champion"), number(42), exact("1.0.0"), range("~1.2"), latest])(
    "route form round-trips %j",
    (selector) => {
      expect(parseSelector(formatSelector(selector))).toEqual(selector);
    },
  );
});

describe("validateArtifactPath", () => {
  it.each(["model.onnx", "a/b/c.bin", "MLmodel", ".hidden", "a/.b/c", "...", "a..b", "x@y", "sp ace", "日本語/файл", "a".repeat(512)])(
    "accepts %j",
    (path) => {
      expect(validateArtifactPath(path)).toBeNull();
    },
  );

  it.each<[string, RegExp]>([
    ["", /empty/],
    ["/abs/path", /relative/],
    ["/", /relative/],
    ["a/", /empty segment/],
    ["a//b", /empty segment/],
    ["..", /"\.\." segment/],
    ["../x", /"\.\." segment/],
    ["a/../b", /"\.\." segment/],
    [".", /"\." segment/],
    ["a/./b", /"\." segment/],
    ["a\\b", /backslash/],
    ["..\\x", /backslash/],
    ["a\u0000b", /control/],
    ["a\u001fb", /control/],
    ["a\u007fb", /control/],
    ["a\tb", /control/],
    ["a".repeat(513), /512 bytes/],
    ["é".repeat(257), /512 bytes/],
    ["🚀".repeat(129), /512 bytes/],
    ["a\uD800b", /lone surrogate/],
    ["a\uDC00", /lone surrogate/],
  ])("refuses %j", (path, reason) => {
    expect(validateArtifactPath(path)).toMatch(reason);
  });

  it("counts bytes, not characters", () => {
    expect(validateArtifactPath("é".repeat(256))).toBeNull();
    expect(validateArtifactPath("🚀".repeat(128))).toBeNull();
  });
});
