import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { fresherBookmark, MAX_BOOKMARK_LENGTH, parseBookmark, planSession } from "./consistency";

const hexWord = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const d1Bookmark = fc.tuple(hexWord(8), hexWord(8), hexWord(8), hexWord(32)).map((words) => words.join("-"));

describe("parseBookmark", () => {
  it("takes D1's bookmarks, from the header before the query", () => {
    fc.assert(
      fc.property(d1Bookmark, d1Bookmark, (header, query) => {
        expect(parseBookmark(header, query)).toBe(header);
        expect(parseBookmark(undefined, query)).toBe(query);
      }),
    );
    expect(parseBookmark(undefined, undefined)).toBeNull();
    expect(parseBookmark("", undefined)).toBeNull();
  });

  it("refuses anything but hex words and dashes up to the bound, naming the field it came in", () => {
    const refused = (header: string | undefined, query?: string) => {
      try {
        parseBookmark(header, query);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        return (error as DomainError).details as { field: string };
      }
      return null;
    };
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => /[^0-9a-fA-F-]/.test(s.trim()) && s.trim() !== ""), (text) => {
        expect(refused(text)?.field).toBe("x-d1-bookmark");
        expect(refused(undefined, text)?.field).toBe("bookmark");
      }),
    );
    for (const constraint of ["first-primary", "first-unconstrained", "-00", "00-", "00--00"]) expect(refused(constraint)?.field).toBe("x-d1-bookmark");
    expect(refused("a".repeat(MAX_BOOKMARK_LENGTH))).toBeNull();
    expect(refused("a".repeat(MAX_BOOKMARK_LENGTH + 1))?.field).toBe("x-d1-bookmark");
  });
});

describe("planSession", () => {
  it("sends changes and strict reads to the primary, bookmarked reads to their bookmark, and lets only plain reads use the bounded cache", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.option(d1Bookmark, { nil: null }), fc.boolean(), (isRead, bookmark, strictRequested) => {
        const plan = planSession({ isRead, bookmark, strictRequested });
        const atBookmark = isRead && !strictRequested && bookmark !== null;
        expect(plan.consistency).toBe(atBookmark ? "session" : "strict");
        expect(plan.start).toEqual(atBookmark ? { bookmark } : "first-primary");
        expect(plan.mayUseBoundedCache).toBe(isRead && !strictRequested && bookmark === null);
      }),
    );
  });
});

describe("fresherBookmark", () => {
  it("keeps the greater of two D1 bookmarks, whichever order they arrive in", () => {
    fc.assert(
      fc.property(d1Bookmark, d1Bookmark, (a, b) => {
        const fresher = a > b ? a : b;
        expect(fresherBookmark(a, b)).toBe(fresher);
        expect(fresherBookmark(b, a)).toBe(fresher);
      }),
    );
  });

  it("takes what it received when it kept none or either is in another format", () => {
    expect(fresherBookmark(null, "abc")).toBe("abc");
    expect(fresherBookmark("ffff", "0001")).toBe("0001");
  });
});
