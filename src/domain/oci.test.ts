import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { lexically, listPage, parseDigest, parseListWindow, parseOciReference, repositoryOf, TAG_PATTERN, tagsOf } from "./oci";

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return (error.details as { reason: string }).reason;
    throw error;
  }
  throw new Error("expected a DomainError");
};

describe("OCI names", () => {
  it("addresses a model by its lowercase name when that is a repository name", () => {
    expect(repositoryOf("flight_delay")).toBe("flight_delay");
    expect(repositoryOf("Flight.Delay")).toBe("flight.delay");
    expect(repositoryOf("model__v2")).toBe("model__v2");
    expect(repositoryOf("a..b")).toBeNull();
    expect(repositoryOf("trailing-")).toBeNull();
    expect(repositoryOf("a_.b")).toBeNull();
  });

  it("reads tags as edgereg selectors", () => {
    const selectorOf = (tag: string) => {
      const r = parseOciReference(tag);
      return r.kind === "tag" ? r.selector : null;
    };
    expect(selectorOf("Production")).toEqual({ kind: "stage", stage: "Production" });
    expect(selectorOf("staging")).toEqual({ kind: "stage", stage: "Staging" });
    expect(selectorOf("champion")).toEqual({ kind: "alias", alias: "champion" });
    expect(selectorOf("2.1.0")).toEqual({ kind: "semver", semver: "2.1.0" });
    expect(selectorOf("2.1.0-rc.1")).toEqual({ kind: "semver", semver: "2.1.0-rc.1" });
    expect(selectorOf("v7")).toEqual({ kind: "number", number: 7 });
    expect(selectorOf("7")).toEqual({ kind: "number", number: 7 });
    expect(selectorOf("latest")).toEqual({ kind: "latest" });
    expect(selectorOf("2.x")).toEqual({ kind: "range", range: "2.x" });
    expect(parseOciReference(`sha256:${"a".repeat(64)}`)).toEqual({ kind: "digest", digest: `sha256:${"a".repeat(64)}` });
    for (const bad of ["-x", ".x", "a".repeat(129), "v0", "_x", "a+b", ""]) expect(reasonOf(() => parseOciReference(bad)), bad).toBe("tag_invalid");
  });

  it("every tag either reads as a selector or is refused as TAG_INVALID", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (tag) => {
        if (tag.includes(":")) return;
        try {
          const r = parseOciReference(tag);
          expect(TAG_PATTERN.test(tag)).toBe(true);
          expect(r.kind).toBe("tag");
        } catch (error) {
          expect((error as DomainError).details).toMatchObject({ reason: "tag_invalid" });
        }
      }),
    );
  });

  it("tells an invalid digest from an unsupported algorithm", () => {
    expect(reasonOf(() => parseDigest("sha256:abc"))).toBe("digest_invalid");
    expect(reasonOf(() => parseDigest(`sha256:${"A".repeat(64)}`))).toBe("digest_invalid");
    expect(reasonOf(() => parseDigest("nodigest"))).toBe("digest_invalid");
    expect(reasonOf(() => parseDigest(`sha512:${"a".repeat(128)}`))).toBe("digest_unsupported");
  });
});

describe("lists", () => {
  it("walking pages with last visits every item once, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,6}$/), { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (items, n) => {
        const sorted = lexically(items);
        const seen: string[] = [];
        let last: string | undefined;
        for (;;) {
          const page = listPage(sorted, parseListWindow(String(n), last));
          seen.push(...page.items);
          if (!page.more) break;
          last = page.items[page.items.length - 1];
        }
        expect(seen).toEqual(sorted);
      }),
    );
  });

  it("refuses an n that is not a count up to the maximum", () => {
    for (const n of ["-1", "x", "1.5", "100000"]) expect(reasonOf(() => parseListWindow(n, undefined))).toBe("pagination_number_invalid");
  });

  it("lists refs, latest and every version's v<N> and semver as tags", () => {
    expect(tagsOf({ refs: ["Production", "champion"], hasLatest: true, versions: [{ number: 1, semver: "1.0.0" }, { number: 2, semver: "2.0.0-rc.1" }] })).toEqual([
      "1.0.0",
      "2.0.0-rc.1",
      "Production",
      "champion",
      "latest",
      "v1",
      "v2",
    ]);
    expect(tagsOf({ refs: [], hasLatest: false, versions: [] })).toEqual([]);
  });
});
