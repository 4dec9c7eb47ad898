/**
 * A version as a CNCF ModelPack artifact (github.com/modelpack/model-spec, v1): an OCI image manifest whose config
 * describes the model and whose layers are the version's files, each the artifact's own bytes (its sha256 is the
 * layer digest, so nothing is rewritten). Built only from what never changes once a version is READY, plus its
 * metrics, and serialized with a fixed key order, so a version's manifest (and its digest) is stable.
 */

export const OCI_MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
export const MODEL_ARTIFACT_TYPE = "application/vnd.cncf.model.manifest.v1+json";
export const MODEL_CONFIG_MEDIA_TYPE = "application/vnd.cncf.model.config.v1+json";

/** The model spec's layer media types for files stored as they are (not archived, not compressed). */
export const LAYER_MEDIA_TYPES = {
  weight: "application/vnd.cncf.model.weight.v1.raw",
  weightConfig: "application/vnd.cncf.model.weight.config.v1.raw",
  doc: "application/vnd.cncf.model.doc.v1.raw",
  code: "application/vnd.cncf.model.code.v1.raw",
  dataset: "application/vnd.cncf.model.dataset.v1.raw",
} as const;

export type LayerMediaType = (typeof LAYER_MEDIA_TYPES)[keyof typeof LAYER_MEDIA_TYPES];
export const LAYER_MEDIA_TYPE_VALUES = Object.values(LAYER_MEDIA_TYPES) as [LayerMediaType, ...LayerMediaType[]];

export const isLayerMediaType = (value: string): value is LayerMediaType => (LAYER_MEDIA_TYPE_VALUES as string[]).includes(value);

/** The title annotation OCI clients (oras) use as the file name, and the model spec's own file path annotation. */
export const TITLE_ANNOTATION = "org.opencontainers.image.title";
export const FILEPATH_ANNOTATION = "org.cncf.model.filepath";

/** Files that configure weights (tokenizers, model configs) by exact name, before extensions decide. */
const WEIGHT_CONFIG_NAMES = new Set([
  "config.json",
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "preprocessor_config.json",
  "added_tokens.json",
  "vocab.json",
  "vocab.txt",
  "merges.txt",
  "tokenizer.model",
  "mlmodel",
]);
const DOC_NAMES = /^(readme|license|licence|notice|copying|authors|changelog|model_card|modelcard)([._-].*)?$/;
const CODE_NAMES = new Set(["requirements.txt", "dockerfile", "makefile", "conda.yaml", "python_env.yaml", "pyproject.toml", "setup.py"]);

const BY_EXTENSION: Record<string, LayerMediaType> = {};
const assign = (type: LayerMediaType, extensions: string) => {
  for (const ext of extensions.split(" ")) BY_EXTENSION[ext] = type;
};
assign(LAYER_MEDIA_TYPES.weightConfig, "json yaml yml toml cfg ini");
assign(LAYER_MEDIA_TYPES.doc, "md markdown rst txt pdf html htm adoc");
assign(LAYER_MEDIA_TYPES.code, "py ipynb sh bash js mjs ts r jl go java scala c cc cpp h hpp rs lua rb");
assign(LAYER_MEDIA_TYPES.dataset, "csv tsv parquet jsonl ndjson arrow feather avro orc tfrecord");

/**
 * The layer media type of a file from its path: known names first (README, LICENSE, tokenizer.json…), then the
 * extension; anything else (onnx, safetensors, pt, gguf, pkl, bin…) is weights, the reason a model registry holds it.
 */
export function layerMediaTypeOf(path: string): LayerMediaType {
  const name = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (WEIGHT_CONFIG_NAMES.has(name)) return LAYER_MEDIA_TYPES.weightConfig;
  if (CODE_NAMES.has(name)) return LAYER_MEDIA_TYPES.code;
  if (DOC_NAMES.test(name)) return LAYER_MEDIA_TYPES.doc;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1) : "";
  return BY_EXTENSION[extension] ?? LAYER_MEDIA_TYPES.weight;
}

/** The model spec's `config.format` from the weights' extension, when one names a known format. */
const FORMATS: Record<string, string> = {
  onnx: "onnx",
  safetensors: "safetensors",
  gguf: "gguf",
  pt: "pytorch",
  pth: "pytorch",
  bin: "pytorch",
  ckpt: "pytorch",
  pb: "tensorflow",
  tflite: "tflite",
  h5: "keras",
  keras: "keras",
  pkl: "pickle",
  joblib: "joblib",
};

/** What the manifest needs of one verified artifact. */
export interface PackedFile {
  path: string;
  size: number;
  sha256: string;
  /** Declared at upload; null lets the path decide. */
  media_type?: string | null;
}

/** What the manifest needs of a version: only fields that are fixed once it is READY, and its metrics. */
export interface PackedVersion {
  model: string;
  number: number;
  semver: string;
  run_id: string | null;
  git_commit: string | null;
  source: string | null;
  dataset: { name: string; version?: string | null; digest?: string | null } | null;
  metrics: Record<string, number>;
  created_at: string;
  created_by: string;
  artifacts: readonly PackedFile[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** A generated document: the exact bytes served, and their digest. */
export interface Document {
  mediaType: string;
  bytes: Uint8Array;
  digest: string;
}

export interface ModelPackage {
  manifest: Document;
  config: Document;
}

const utf8 = new TextEncoder();

/** Code-unit order, the same in every runtime (unlike localeCompare). */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const sortedRecord = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodeUnits(a, b)));

export const ociDigest = (sha256Hex: string) => `sha256:${sha256Hex}`;

/** Layers in path order, so the manifest does not depend on the order storage returned them in. */
export function layersOf(version: PackedVersion): Descriptor[] {
  return [...version.artifacts]
    .sort((a, b) => byCodeUnits(a.path, b.path))
    .map((a) => ({
      mediaType: a.media_type && isLayerMediaType(a.media_type) ? a.media_type : layerMediaTypeOf(a.path),
      digest: ociDigest(a.sha256),
      size: a.size,
      annotations: { [FILEPATH_ANNOTATION]: a.path, [TITLE_ANNOTATION]: a.path },
    }));
}

/** The model spec's config (schema: additionalProperties false, so edgereg's own fields go in the manifest's annotations). */
export function modelConfig(version: PackedVersion, layers: readonly Descriptor[]): object {
  const weights = layers.find((l) => l.mediaType === LAYER_MEDIA_TYPES.weight);
  const weightPath = weights?.annotations?.[TITLE_ANNOTATION] ?? "";
  const format = FORMATS[weightPath.slice(weightPath.lastIndexOf(".") + 1).toLowerCase()];
  return {
    descriptor: {
      createdAt: version.created_at,
      authors: [version.created_by],
      name: version.model,
      ...(version.source ? { sourceURL: version.source } : {}),
      version: version.semver,
      ...(version.git_commit ? { revision: version.git_commit } : {}),
    },
    modelfs: { type: "layers", diffIds: layers.map((l) => l.digest) },
    config: format ? { format } : {},
  };
}

/** The manifest's annotations: the OCI standard ones, then edgereg's (`io.edgereg.*`), metrics included. */
export function manifestAnnotations(version: PackedVersion): Record<string, string> {
  const annotations: Record<string, string> = {
    "org.opencontainers.image.created": version.created_at,
    "org.opencontainers.image.title": version.model,
    "org.opencontainers.image.version": version.semver,
    "io.edgereg.model": version.model,
    "io.edgereg.version.number": String(version.number),
    "io.edgereg.version.semver": version.semver,
  };
  if (version.git_commit) annotations["org.opencontainers.image.revision"] = version.git_commit;
  if (version.source) annotations["org.opencontainers.image.source"] = version.source;
  if (version.run_id) annotations["io.edgereg.run_id"] = version.run_id;
  if (version.dataset) {
    annotations["io.edgereg.dataset.name"] = version.dataset.name;
    if (version.dataset.version) annotations["io.edgereg.dataset.version"] = version.dataset.version;
    if (version.dataset.digest) annotations["io.edgereg.dataset.digest"] = version.dataset.digest;
  }
  for (const [name, value] of Object.entries(version.metrics)) annotations[`io.edgereg.metric.${name}`] = String(value);
  return sortedRecord(annotations);
}

/** The manifest and config of a version, byte for byte, with their digests. */
export async function modelPackage(version: PackedVersion): Promise<ModelPackage> {
  const layers = layersOf(version);
  const config = await documentOf(MODEL_CONFIG_MEDIA_TYPE, modelConfig(version, layers));
  const manifest = await documentOf(OCI_MANIFEST_MEDIA_TYPE, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    artifactType: MODEL_ARTIFACT_TYPE,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers,
    annotations: manifestAnnotations(version),
  });
  return { manifest, config };
}

/** An OCI image index with no manifests: the referrers answer when nothing refers to a subject. */
export function emptyIndex(): object {
  return { schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: [] };
}

async function documentOf(mediaType: string, value: object): Promise<Document> {
  const bytes = utf8.encode(JSON.stringify(value));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return { mediaType, bytes, digest: ociDigest([...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("")) };
}
