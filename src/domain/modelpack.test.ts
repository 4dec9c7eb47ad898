import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LAYER_MEDIA_TYPES,
  LAYER_MEDIA_TYPE_VALUES,
  layerMediaTypeOf,
  MODEL_ARTIFACT_TYPE,
  MODEL_CONFIG_MEDIA_TYPE,
  modelPackage,
  type PackedVersion,
} from "./modelpack";

const version = (overrides: Partial<PackedVersion> = {}): PackedVersion => ({
  model: "flight_delay",
  number: 7,
  semver: "2.1.0",
  run_id: "run-1",
  git_commit: "abc1234",
  source: null,
  dataset: null,
  metrics: { auc: 0.91, mae: 7.5 },
  created_at: "2026-05-01T00:00:00.000Z",
  created_by: "ci",
  artifacts: [
    { path: "model.safetensors", size: 10, sha256: "a".repeat(64) },
    { path: "README.md", size: 3, sha256: "b".repeat(64) },
  ],
  ...overrides,
});

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe("layer media types", () => {
  it.each([
    ["model.onnx", LAYER_MEDIA_TYPES.weight],
    ["weights/model-00001-of-00002.safetensors", LAYER_MEDIA_TYPES.weight],
    ["model.gguf", LAYER_MEDIA_TYPES.weight],
    ["model.pkl", LAYER_MEDIA_TYPES.weight],
    ["no-extension", LAYER_MEDIA_TYPES.weight],
    ["config.json", LAYER_MEDIA_TYPES.weightConfig],
    ["tokenizer/tokenizer.model", LAYER_MEDIA_TYPES.weightConfig],
    ["vocab.txt", LAYER_MEDIA_TYPES.weightConfig],
    ["params.yaml", LAYER_MEDIA_TYPES.weightConfig],
    ["README.md", LAYER_MEDIA_TYPES.doc],
    ["LICENSE", LAYER_MEDIA_TYPES.doc],
    ["docs/card.pdf", LAYER_MEDIA_TYPES.doc],
    ["serve.py", LAYER_MEDIA_TYPES.code],
    ["requirements.txt", LAYER_MEDIA_TYPES.code],
    ["Dockerfile", LAYER_MEDIA_TYPES.code],
    ["eval/holdout.parquet", LAYER_MEDIA_TYPES.dataset],
    ["sample.csv", LAYER_MEDIA_TYPES.dataset],
  ])("%s is %s", (path, type) => {
    expect(layerMediaTypeOf(path)).toBe(type);
  });

  it("every path gets one of the model spec's raw layer types", () => {
    fc.assert(fc.property(fc.string(), (path) => LAYER_MEDIA_TYPE_VALUES.includes(layerMediaTypeOf(path))));
  });
});

describe("modelPackage", () => {
  it("is a ModelPack manifest whose layers are the artifacts' own digests, with edgereg's metadata", async () => {
    const { manifest, config } = await modelPackage(version());
    const m = decode(manifest.bytes);
    expect(m).toMatchObject({ schemaVersion: 2, artifactType: MODEL_ARTIFACT_TYPE, config: { mediaType: MODEL_CONFIG_MEDIA_TYPE, digest: config.digest, size: config.bytes.length } });
    expect(m.layers.map((l: any) => [l.annotations["org.opencontainers.image.title"], l.mediaType, l.digest, l.size])).toEqual([
      ["README.md", LAYER_MEDIA_TYPES.doc, `sha256:${"b".repeat(64)}`, 3],
      ["model.safetensors", LAYER_MEDIA_TYPES.weight, `sha256:${"a".repeat(64)}`, 10],
    ]);
    expect(m.annotations).toMatchObject({ "io.edgereg.version.number": "7", "io.edgereg.metric.auc": "0.91", "org.opencontainers.image.revision": "abc1234" });
    expect(decode(config.bytes)).toEqual({
      descriptor: { createdAt: "2026-05-01T00:00:00.000Z", authors: ["ci"], name: "flight_delay", version: "2.1.0", revision: "abc1234" },
      modelfs: { type: "layers", diffIds: [`sha256:${"b".repeat(64)}`, `sha256:${"a".repeat(64)}`] },
      config: { format: "safetensors" },
    });
  });

  it("uses a declared media type over the path's", async () => {
    const { manifest } = await modelPackage(version({ artifacts: [{ path: "weights.bin", size: 1, sha256: "c".repeat(64), media_type: LAYER_MEDIA_TYPES.dataset }] }));
    expect(decode(manifest.bytes).layers[0].mediaType).toBe(LAYER_MEDIA_TYPES.dataset);
  });

  it("is deterministic: the order storage returns artifacts and metrics in never changes the digest", async () => {
    const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
    const files = fc.uniqueArray(fc.record({ path: fc.stringMatching(/^[a-z][a-z0-9_/.-]{0,20}$/), size: fc.nat(), sha256: hex }), { selector: (f) => f.path, maxLength: 6 });
    const metrics = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.double({ noNaN: true, noDefaultInfinity: true }), { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(files, metrics, async (artifacts, m) => {
        const a = await modelPackage(version({ artifacts, metrics: m }));
        const b = await modelPackage(version({ artifacts: [...artifacts].reverse(), metrics: Object.fromEntries(Object.entries(m).reverse()) }));
        expect(b.manifest.digest).toBe(a.manifest.digest);
        expect(b.config.digest).toBe(a.config.digest);
        const layers = decode(a.manifest.bytes).layers.map((l: any) => l.digest).sort();
        expect(layers).toEqual(artifacts.map((f) => `sha256:${f.sha256}`).sort());
      }),
      { numRuns: 50 },
    );
  });

  it("changes its digest when what it describes changes", async () => {
    const base = (await modelPackage(version())).manifest.digest;
    expect((await modelPackage(version({ number: 8 }))).manifest.digest).not.toBe(base);
    expect((await modelPackage(version({ metrics: { auc: 0.92, mae: 7.5 } }))).manifest.digest).not.toBe(base);
    expect((await modelPackage(version())).manifest.digest).toBe(base);
  });
});
