import { describe, expect, it } from "vitest";
import { armFor } from "./canary";
import { DomainError } from "./errors";
import { parseReference } from "./reference";
import { chooseVersion, type CandidateVersion, type ResolutionInput } from "./resolve";

const v = (number: number, semver: string, extra: Partial<CandidateVersion> = {}): CandidateVersion => ({
  id: `id-${number}`,
  number,
  semver,
  status: "READY",
  archived: false,
  ...extra,
});

const VERSIONS = [
  v(1, "1.0.0"),
  v(2, "2.1.0"),
  v(3, "2.4.0", { archived: true }),
  v(4, "2.3.0"),
  v(5, "3.0.0", { status: "PENDING" }),
];

const input = (ref: string, extra: Partial<ResolutionInput> = {}): ResolutionInput => ({
  reference: parseReference(ref),
  refs: [
    { name: "Production", versionId: "id-2" },
    { name: "champion", versionId: "id-3" },
  ],
  rollout: null,
  versions: VERSIONS,
  routingKey: () => "key",
  ...extra,
});

const notFoundReason = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError && error.code === "NOT_FOUND") return (error.details as { reason: string }).reason;
    throw error;
  }
  return "resolved";
};

describe("chooseVersion", () => {
  it.each([
    ["models:/m/Production", "id-2", "Production"],
    ["models:/m/production", "id-2", "Production"],
    ["models:/m@champion", "id-3", "champion"], // archived, but named by a ref
    ["models:/m/3", "id-3", null], // archived, named by number
    ["models:/m/2.4.0", "id-3", null],
    ["models:/m/latest", "id-4", null], // highest READY, non-archived number
    ["models:/m/^2.1", "id-4", null], // 2.4.0 is archived
    ["models:/m/*", "id-4", null],
    ["models:/m/1.x", "id-1", null],
  ])("%s → %s", (ref, id, name) => {
    expect(chooseVersion(input(ref))).toEqual({ versionId: id, ref: name, arm: null, rolloutId: null });
  });

  it.each([
    ["models:/m/Staging", "no_ref"],
    ["models:/m/9", "no_version"],
    ["models:/m/5", "not_ready"],
    ["models:/m/3.0.0", "not_ready"],
    ["models:/m/^4", "no_version"],
    ["models:/m/^3", "no_version"], // only a PENDING 3.0.0
  ])("%s → 404 %s", (ref, reason) => {
    expect(notFoundReason(() => chooseVersion(input(ref)))).toBe(reason);
  });

  it("has nothing for latest when no version is READY and live", () => {
    expect(notFoundReason(() => chooseVersion(input("models:/m/latest", { versions: [VERSIONS[4]!] })))).toBe("no_version");
  });

  it("splits a ref under a rollout by the routing key, and only then reads the key", () => {
    const rollout = { id: "r1", salt: "s", weightBp: 5000, candidateVersionId: "id-4" };
    let reads = 0;
    for (const key of ["a", "b", "c", "d", "e", "f"]) {
      const got = chooseVersion(input("models:/m/Production", { rollout, routingKey: () => (reads++, key) }));
      const arm = armFor(rollout, key);
      expect(got).toEqual({ versionId: arm === "candidate" ? "id-4" : "id-2", ref: "Production", arm, rolloutId: "r1" });
    }
    expect(reads).toBe(6);
    chooseVersion(input("models:/m/2", { rollout, routingKey: () => (reads++, "x") }));
    expect(reads).toBe(6);
  });
});
