import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClient } from "../src/client";
import { bookmarksPath, fileBookmarks } from "./bookmarks";

const A = "00000000-00000001-00000000-00000000000000000000000000000000";
const B = "00000000-00000002-00000000-00000000000000000000000000000000";

describe("bookmarks between runs", () => {
  it("live under the XDG state directory unless told otherwise", () => {
    expect(bookmarksPath({ HOME: "/home/ci" })).toBe("/home/ci/.local/state/edgereg/bookmarks.json");
    expect(bookmarksPath({ HOME: "/home/ci", XDG_STATE_HOME: "/state" })).toBe("/state/edgereg/bookmarks.json");
    expect(bookmarksPath({ EDGEREG_BOOKMARKS: "/tmp/b.json" })).toBe("/tmp/b.json");
    expect(bookmarksPath({ EDGEREG_BOOKMARKS: "off" })).toBeNull();
  });

  it("hand the freshest bookmark of each registry to the next run, which sends it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "edgereg-bookmarks-")), "edgereg/bookmarks.json");
    const sent: (string | null)[] = [];
    const registry = (answer: string) => async (request: Request) => {
      sent.push(request.headers.get("x-d1-bookmark"));
      return new Response("{}", { headers: { "content-type": "application/json", "x-d1-bookmark": answer } });
    };
    // One run changes something and receives B; an older answer (A) arriving later does not replace it.
    const first = createClient({ url: "https://r.example", fetch: registry(B), bookmarks: fileBookmarks(path, "https://r.example") });
    await first.GET("/v1/models");
    fileBookmarks(path, "https://r.example").set(A);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // The next run sends B; another registry's runs keep their own.
    const next = createClient({ url: "https://r.example", fetch: registry(B), bookmarks: fileBookmarks(path, "https://r.example") });
    await next.GET("/v1/models");
    const other = createClient({ url: "https://other.example", fetch: registry(A), bookmarks: fileBookmarks(path, "https://other.example") });
    await other.GET("/v1/models");
    expect(sent).toEqual([null, B, null]);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ "https://r.example": B, "https://other.example": A });
  });

  it("never fail the command over an unreadable file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "edgereg-bookmarks-")), "bookmarks.json");
    writeFileSync(path, "{ not json");
    const store = fileBookmarks(path, "https://r.example");
    expect(store.get()).toBeNull();
    store.set(A);
    expect(store.get()).toBe(A);
    const blocked = fileBookmarks(join(path, "below-a-file.json"), "https://r.example");
    expect(() => blocked.set(B)).not.toThrow();
    expect(blocked.get()).toBe(B);
  });
});
