import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uploadKey, UploadState } from "./state";

describe("upload state", () => {
  it("remembers sessions across runs and forgets them", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "edgereg-state-")), ".edgereg");
    const key = uploadKey({ url: "http://r", model: "m", version: "1.0.0", path: "w.bin", sha256: "ab" });
    const saved = { upload_id: "u1", part_size: 5 * 1024 * 1024, started_at: "2026-01-01T00:00:00Z" };
    new UploadState(dir).remember(key, saved);
    expect(new UploadState(dir).get(key)).toEqual(saved);
    expect(new UploadState(dir).get(uploadKey({ url: "http://r", model: "m", version: "1.0.0", path: "w.bin", sha256: "cd" }))).toBeUndefined();
    new UploadState(dir).forget(key);
    expect(new UploadState(dir).get(key)).toBeUndefined();
  });

  it("treats an unreadable state file as empty", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgereg-state-"));
    writeFileSync(join(dir, "uploads.json"), "{ half a fi");
    expect(new UploadState(dir).get("anything")).toBeUndefined();
  });
});
