import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "./errors";
import { collectFiles, contentTypeOf, fileRange, sha256File } from "./files";

const tmp = () => mkdtempSync(join(tmpdir(), "edgereg-files-"));

describe("local files", () => {
  it("names a directory's files by their relative paths and a file by its base name", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "model/tok"), { recursive: true });
    writeFileSync(join(dir, "model/w.bin"), "ww");
    writeFileSync(join(dir, "model/tok/vocab.txt"), "v");
    writeFileSync(join(dir, "README.md"), "r");
    const files = await collectFiles([join(dir, "model"), join(dir, "README.md")]);
    expect(files.map((f) => [f.path, f.size])).toEqual([
      ["README.md", 1],
      ["tok/vocab.txt", 1],
      ["w.bin", 2],
    ]);
  });

  it("refuses missing inputs, empty directories and two files claiming one path", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    mkdirSync(join(dir, "empty"));
    writeFileSync(join(dir, "a/w.bin"), "1");
    writeFileSync(join(dir, "b/w.bin"), "2");
    await expect(collectFiles([join(dir, "nope")])).rejects.toThrow(UsageError);
    await expect(collectFiles([join(dir, "empty")])).rejects.toThrow(/no files to push/);
    await expect(collectFiles([join(dir, "a/w.bin"), join(dir, "b/w.bin")])).rejects.toThrow(/both be artifact 'w.bin'/);
  });

  it("hashes and reads byte ranges as streams", async () => {
    const path = join(tmp(), "data");
    const bytes = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => i % 251));
    writeFileSync(path, bytes);
    let counted = 0;
    expect(await sha256File(path, (n) => (counted += n))).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(counted).toBe(bytes.length);
    expect(await sha256File(path, undefined, 0)).toBe(createHash("sha256").digest("hex"));

    let sent = 0;
    const chunks: Uint8Array[] = [];
    for await (const chunk of fileRange(path, 1024 * 1024, 2 * 1024 * 1024 + 3, (n) => (sent += n))) chunks.push(chunk);
    expect(Buffer.concat(chunks).equals(bytes.subarray(1024 * 1024, 3 * 1024 * 1024 + 3))).toBe(true);
    expect(sent).toBe(2 * 1024 * 1024 + 3);
  });

  it("declares content types for common text formats only", () => {
    expect(contentTypeOf("config.JSON")).toBe("application/json");
    expect(contentTypeOf("params.yml")).toBe("application/yaml");
    expect(contentTypeOf("weights.safetensors")).toBeUndefined();
    expect(contentTypeOf("LICENSE")).toBeUndefined();
  });
});
