import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { checkVersionBump, diffSignatures, planVersion, requiredBump, type Signature } from "./signature";

/** flight_delay 1.3.0: the signature every case below changes. */
const V1_3: Signature = {
  inputs: [
    { name: "origin", type: "string" },
    { name: "dest", type: "string" },
    { name: "dep_hour", type: "int64" },
    { name: "carrier", type: "string", optional: true },
  ],
  outputs: [{ name: "delay_minutes", type: "float64" }],
};

const withInputs = (inputs: Signature["inputs"]): Signature => ({ ...V1_3, inputs });
const withOutputs = (outputs: Signature["outputs"]): Signature => ({ ...V1_3, outputs });

describe("diffSignatures", () => {
  it("finds nothing between equal signatures, whatever the order", () => {
    const shuffled = withInputs([...V1_3.inputs].reverse());
    expect(diffSignatures(V1_3, shuffled)).toEqual([]);
    expect(requiredBump(diffSignatures(V1_3, shuffled))).toBe("patch");
  });

  it("has nothing to compare when either side has no signature", () => {
    expect(diffSignatures(null, V1_3)).toEqual([]);
    expect(diffSignatures(V1_3, null)).toEqual([]);
    expect(diffSignatures(null, null)).toEqual([]);
  });

  it("calls a removed input major", () => {
    const changes = diffSignatures(V1_3, withInputs(V1_3.inputs.filter((f) => f.name !== "dest")));
    expect(changes).toEqual([
      { kind: "removed_input", severity: "major", input: "dest", detail: "input dest (string) was removed" },
    ]);
  });

  it("calls a retyped input major", () => {
    const changes = diffSignatures(
      V1_3,
      withInputs(V1_3.inputs.map((f) => (f.name === "dep_hour" ? { ...f, type: "float64" } : f))),
    );
    expect(changes).toEqual([
      {
        kind: "retyped_input",
        severity: "major",
        input: "dep_hour",
        detail: "input dep_hour changed type from int64 to float64",
      },
    ]);
  });

  it("calls a new required input major and a new optional one minor", () => {
    expect(diffSignatures(V1_3, withInputs([...V1_3.inputs, { name: "weather", type: "string" }]))).toEqual([
      {
        kind: "new_required_input",
        severity: "major",
        input: "weather",
        detail: "new required input weather (string)",
      },
    ]);
    expect(
      diffSignatures(V1_3, withInputs([...V1_3.inputs, { name: "weather", type: "string", optional: true }])),
    ).toEqual([
      {
        kind: "new_optional_input",
        severity: "minor",
        input: "weather",
        detail: "new optional input weather (string)",
      },
    ]);
  });

  it("calls an optional input becoming required major, and the reverse minor", () => {
    const tightened = withInputs(V1_3.inputs.map((f) => (f.name === "carrier" ? { ...f, optional: false } : f)));
    expect(diffSignatures(V1_3, tightened).map((c) => [c.kind, c.severity])).toEqual([
      ["input_became_required", "major"],
    ]);
    const loosened = withInputs(V1_3.inputs.map((f) => (f.name === "origin" ? { ...f, optional: true } : f)));
    expect(diffSignatures(V1_3, loosened).map((c) => [c.kind, c.severity])).toEqual([
      ["input_became_optional", "minor"],
    ]);
  });

  it("treats optional: false like an absent flag", () => {
    const explicit = withInputs(V1_3.inputs.map((f) => ({ ...f, optional: f.optional ?? false })));
    expect(diffSignatures(V1_3, explicit)).toEqual([]);
  });

  it("calls every output change major: removed, retyped, added, optionality", () => {
    const changes = diffSignatures(
      { ...V1_3, outputs: [...V1_3.outputs, { name: "p_late", type: "float64" }, { name: "reason", type: "string" }] },
      withOutputs([
        { name: "delay_minutes", type: "float32" },
        { name: "p_late", type: "float64", optional: true },
        { name: "explanation", type: "string" },
      ]),
    );
    expect(changes.map((c) => [c.kind, c.output, c.severity])).toEqual([
      ["retyped_output", "delay_minutes", "major"],
      ["output_optionality_changed", "p_late", "major"],
      ["removed_output", "reason", "major"],
      ["new_output", "explanation", "major"],
    ]);
    expect(changes[1]?.detail).toBe("output p_late is now optional");
  });

  it("reports a retyped input that also became optional twice, major overall", () => {
    const changes = diffSignatures(
      V1_3,
      withInputs(
        V1_3.inputs.map((f) => (f.name === "origin" ? { name: "origin", type: "category", optional: true } : f)),
      ),
    );
    expect(changes.map((c) => c.kind)).toEqual(["retyped_input", "input_became_optional"]);
    expect(requiredBump(changes)).toBe("major");
  });

  it("lists input changes in declaration order, then new inputs, then outputs", () => {
    const changes = diffSignatures(V1_3, {
      inputs: [
        { name: "extra", type: "int64", optional: true },
        { name: "origin", type: "string" },
        { name: "dep_hour", type: "int32" },
        { name: "carrier", type: "string", optional: true },
      ],
      outputs: [],
    });
    expect(changes.map((c) => `${c.kind}:${c.input ?? c.output}`)).toEqual([
      "removed_input:dest",
      "retyped_input:dep_hour",
      "new_optional_input:extra",
      "removed_output:delay_minutes",
    ]);
  });

  it("refuses a signature naming a field twice", () => {
    const twice = withInputs([...V1_3.inputs, { name: "origin", type: "string" }]);
    expect(() => diffSignatures(V1_3, twice)).toThrow(DomainError);
    expect(() => diffSignatures(V1_3, twice)).toThrow("the signature lists input origin twice");
  });
});

describe("requiredBump", () => {
  it("is the highest severity among the changes", () => {
    expect(requiredBump([])).toBe("patch");
    expect(requiredBump([{ kind: "new_optional_input", severity: "minor", input: "a", detail: "" }])).toBe("minor");
    expect(
      requiredBump([
        { kind: "new_optional_input", severity: "minor", input: "a", detail: "" },
        { kind: "removed_output", severity: "major", output: "b", detail: "" },
        { kind: "input_became_optional", severity: "minor", input: "c", detail: "" },
      ]),
    ).toBe("major");
  });
});

describe("planVersion", () => {
  it("makes a model that starts requiring weather after 1.3.0 become 2.0.0", () => {
    const plan = planVersion(
      { semver: "1.3.0", signature: V1_3 },
      withInputs([...V1_3.inputs, { name: "weather", type: "string" }]),
    );
    expect(plan).toEqual({
      required_bump: "major",
      suggested_version: "2.0.0",
      previous_version: "1.3.0",
      changes: [
        {
          kind: "new_required_input",
          severity: "major",
          input: "weather",
          detail: "new required input weather (string)",
        },
      ],
    });
    expect(checkVersionBump("1.3.0", "1.4.0", plan.required_bump)).toMatch(
      /requires a major bump after 1\.3\.0: 2\.0\.0/,
    );
    expect(checkVersionBump("1.3.0", plan.suggested_version, plan.required_bump)).toBeNull();
  });

  it("suggests the next minor for an additive optional input and the next patch otherwise", () => {
    const optional = withInputs([...V1_3.inputs, { name: "weather", type: "string", optional: true }]);
    expect(planVersion({ semver: "1.3.2", signature: V1_3 }, optional)).toMatchObject({
      required_bump: "minor",
      suggested_version: "1.4.0",
    });
    expect(planVersion({ semver: "1.3.2", signature: V1_3 }, V1_3)).toMatchObject({
      required_bump: "patch",
      suggested_version: "1.3.3",
      changes: [],
    });
  });

  it("starts a model at 1.0.0", () => {
    expect(planVersion(null, V1_3)).toEqual({
      required_bump: "patch",
      suggested_version: "1.0.0",
      previous_version: null,
      changes: [],
    });
  });

  it("compares nothing when the previous version declared no signature", () => {
    expect(planVersion({ semver: "0.4.1", signature: null }, V1_3)).toMatchObject({
      required_bump: "patch",
      suggested_version: "0.4.2",
    });
  });

  it("releases a prerelease rather than skipping past it", () => {
    const breaking = withInputs(V1_3.inputs.slice(1));
    expect(planVersion({ semver: "2.0.0-rc.1", signature: V1_3 }, breaking).suggested_version).toBe("2.0.0");
    expect(planVersion({ semver: "1.3.1-rc.1", signature: V1_3 }, breaking).suggested_version).toBe("2.0.0");
  });

  it("refuses a previous version that is not semver", () => {
    expect(() => planVersion({ semver: "latest", signature: V1_3 }, V1_3)).toThrow(DomainError);
  });
});

describe("checkVersionBump", () => {
  it("requires a major bump to reach the next major", () => {
    expect(checkVersionBump("1.3.0", "2.0.0", "major")).toBeNull();
    expect(checkVersionBump("1.3.0", "3.1.4", "major")).toBeNull();
    expect(checkVersionBump("1.3.0", "1.4.0", "major")).toBe(
      "the signature change requires a major bump after 1.3.0: 2.0.0 or later, not 1.4.0",
    );
    expect(checkVersionBump("1.3.0", "1.3.1", "major")).not.toBeNull();
  });

  it("accepts a minor or major bump for a minor change, not a patch", () => {
    expect(checkVersionBump("1.3.0", "1.4.0", "minor")).toBeNull();
    expect(checkVersionBump("1.3.0", "2.0.0", "minor")).toBeNull();
    expect(checkVersionBump("1.3.0", "1.3.1", "minor")).toMatch(/requires a minor bump.*1\.4\.0 or later/);
  });

  it("accepts any greater version for a patch", () => {
    expect(checkVersionBump("1.3.0", "1.3.1", "patch")).toBeNull();
    expect(checkVersionBump("1.3.0", "1.3.1-beta.2", "patch")).toBeNull();
  });

  it("counts a prerelease of the new major as a major bump", () => {
    expect(checkVersionBump("1.3.0", "2.0.0-rc.1", "major")).toBeNull();
    expect(checkVersionBump("1.3.0", "1.4.0-rc.1", "major")).not.toBeNull();
  });

  it("lets a prerelease's own line continue: a later prerelease or its release", () => {
    expect(checkVersionBump("2.0.0-rc.1", "2.0.0-rc.2", "major")).toBeNull();
    expect(checkVersionBump("2.0.0-rc.1", "2.0.0", "major")).toBeNull();
    expect(checkVersionBump("1.3.1-rc.1", "1.3.1", "major")).toMatch(/2\.0\.0 or later/);
    expect(checkVersionBump("1.4.0-rc.1", "1.4.0", "minor")).toBeNull();
  });

  it("requires the new version to be greater than the highest existing one", () => {
    expect(checkVersionBump("1.3.0", "1.3.0", "patch")).toBe(
      "1.3.0 must be greater than 1.3.0, the highest existing version",
    );
    expect(checkVersionBump("1.3.0", "1.2.9", "patch")).toMatch(/must be greater/);
    expect(checkVersionBump("2.0.0", "2.0.0-rc.9", "patch")).toMatch(/must be greater/);
    expect(checkVersionBump("1.3.0", "1.3.0+build.7", "patch")).toMatch(/must be greater/);
  });

  it("explains a version that is not semver", () => {
    expect(checkVersionBump("1.3.0", "2.0", "major")).toBe("2.0 is not a semantic version (MAJOR.MINOR.PATCH)");
  });
});
