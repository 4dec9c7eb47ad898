/**
 * The edgereg command end to end: the built CLI as a subprocess against the worker on Miniflare (fresh D1 and R2,
 * migrations applied, an admin token), as a CI job would run it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, PartProxy, cli, root, startRegistry, tamperStoredBlob, tempDir, uniqueName, until, writeRandom, type Registry } from "./e2e-harness";
import { EXIT } from "./errors";

const MiB = 1024 * 1024;
let registry: Registry;
let env: Record<string, string>;

beforeAll(async () => {
  registry = await startRegistry();
  env = { EDGEREG_URL: registry.url, EDGEREG_TOKEN: ADMIN_TOKEN };
});
afterAll(() => registry?.dispose());

const json = <T = any>(text: string): T => JSON.parse(text) as T;

/** A model directory: one file over the 5 MiB part size, two small ones (one nested). */
function modelDir() {
  const dir = tempDir();
  mkdirSync(join(dir, "model/tokenizer"), { recursive: true });
  const weights = writeRandom(join(dir, "model/weights.bin"), 12 * MiB + 321);
  writeFileSync(join(dir, "model/config.json"), JSON.stringify({ layers: 4, seed: Math.random() }));
  writeFileSync(join(dir, "model/tokenizer/vocab.txt"), `a\nb\n${Math.random()}\n`);
  writeFileSync(join(dir, "metrics.json"), JSON.stringify({ mae: 7.9, accuracy: 0.91 }));
  return { dir, weights };
}

describe("push and pull", () => {
  it("pushes a multi-file model in parts, records git HEAD, and pulls it back verified", async () => {
    const { dir, weights } = modelDir();
    spawnSync("git", ["init", "-q"], { cwd: dir });
    spawnSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", "commit", "-q", "--allow-empty", "-m", "train"], { cwd: dir });
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).stdout.trim();
    const name = uniqueName("multi");

    const pushed = await cli(
      ["push", name, "model", "--version", "1.0.0", "--metrics", "metrics.json", "--tag", "team=ops", "--part-size", "5MiB", "--json"],
      { cwd: dir, env },
    );
    expect(pushed.stderr).not.toContain("edgereg:");
    expect(pushed.code).toBe(EXIT.ok);
    const report = json(pushed.stdout);
    expect(report.created).toBe(true);
    expect(report.version).toMatchObject({ model: name, number: 1, semver: "1.0.0", status: "READY", git_commit: head, metrics: { mae: 7.9 } });
    // The model files are not committed, so the commit does not describe them.
    expect(report.version.tags).toEqual({ team: "ops", git_dirty: "true" });
    expect(pushed.stderr).toContain(`recording git commit ${head.slice(0, 12)}`);
    const uploads = Object.fromEntries(report.uploads.map((u: any) => [u.path, u]));
    expect(Object.keys(uploads).sort()).toEqual(["config.json", "tokenizer/vocab.txt", "weights.bin"]);
    expect(uploads["weights.bin"]).toMatchObject({ transfer: "multipart", parts: 3, parts_sent: 3, size: weights.length });
    expect(uploads["config.json"].transfer).toBe("single");

    const out = join(dir, "out");
    const pulled = await cli(["pull", `models:/${name}/1.0.0`, "-o", out, "--json"], { cwd: dir, env });
    expect(pulled.code).toBe(EXIT.ok);
    expect(json(pulled.stdout).artifacts.map((a: any) => a.outcome)).toEqual(["downloaded", "downloaded", "downloaded"]);
    expect(readFileSync(join(out, "weights.bin")).equals(weights)).toBe(true);
    expect(readFileSync(join(out, "tokenizer/vocab.txt"), "utf8")).toBe(readFileSync(join(dir, "model/tokenizer/vocab.txt"), "utf8"));

    // Pushing the same files again is a no-op success, so a retried CI job passes.
    const again = await cli(["push", name, "model", "--version", "1.0.0", "--part-size", "5MiB", "--json"], { cwd: dir, env });
    expect(again.code).toBe(EXIT.ok);
    expect(json(again.stdout)).toMatchObject({ created: false, version: { status: "READY" } });
    expect(json(again.stdout).uploads.every((u: any) => u.bytes_sent === 0)).toBe(true);
  });

  it("resumes an interrupted push without sending the parts the registry already has", async () => {
    const dir = tempDir();
    const weights = writeRandom(join(dir, "weights.bin"), 26 * MiB);
    const name = uniqueName("resume");
    const proxy = await new PartProxy(registry.url).start();
    try {
      proxy.holdPartsAfter = 2;
      const args = ["push", name, "weights.bin", "--version", "0.1.0", "--part-size", "5MiB", "--concurrency", "2", "--json"];
      const proxied = { ...env, EDGEREG_URL: proxy.url };
      const first = await cli(args, { cwd: dir, env: proxied }, (child) => {
        // Killed the hard way once the registry holds some parts and the next ones are stuck in the network.
        until(() => proxy.stored.length >= 2 && proxy.held.length > 0 && proxy.inFlight === 0, "parts to stall").then(() => child.kill("SIGKILL"));
      });
      expect(first.signal).toBe("SIGKILL");

      const saved = json(readFileSync(join(dir, ".edgereg/uploads.json"), "utf8")).uploads;
      const [uploadId] = Object.values(saved).map((u: any) => u.upload_id);
      const session = await fetch(`${registry.url}/v1/models/${name}/versions/0.1.0/uploads/${uploadId}`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      }).then((r) => r.json() as Promise<{ status: string; part_count: number; parts: { number: number }[] }>);
      expect(session.status).toBe("open");
      expect(session.part_count).toBe(6);
      const onRegistry = session.parts.map((p) => p.number);
      expect(onRegistry.length).toBeGreaterThanOrEqual(2);
      expect(onRegistry.length).toBeLessThan(6);

      proxy.reset();
      const second = await cli(args, { cwd: dir, env: proxied });
      expect(second.code).toBe(EXIT.ok);
      expect(second.stderr).toContain(`resuming upload ${uploadId}`);
      const missing = [1, 2, 3, 4, 5, 6].filter((n) => !onRegistry.includes(n));
      expect([...proxy.stored].sort((a, b) => a - b)).toEqual(missing);
      const report = json(second.stdout);
      expect(report).toMatchObject({ created: false, version: { status: "READY" } });
      expect(report.uploads[0]).toMatchObject({ upload_id: uploadId, parts: 6, parts_sent: missing.length });
      expect(json(readFileSync(join(dir, ".edgereg/uploads.json"), "utf8")).uploads).toEqual({});

      const out = join(dir, "out");
      expect((await cli(["pull", `${name}/0.1.0`, "-o", out], { env })).code).toBe(EXIT.ok);
      expect(readFileSync(join(out, "weights.bin")).equals(weights)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it("detects a tampered artifact and a corrupt partial file, and resumes a good partial file with Range", async () => {
    const dir = tempDir();
    const tampered = writeRandom(join(dir, "tampered.bin"), 64 * 1024);
    const big = writeRandom(join(dir, "big.bin"), 3 * MiB);
    const name = uniqueName("verify");
    expect((await cli(["push", name, "tampered.bin", "big.bin", "--version", "1.0.0"], { cwd: dir, env })).code).toBe(EXIT.ok);

    // The registry's stored bytes change behind its back: pull refuses them and keeps nothing.
    tamperStoredBlob(registry.persistTo, tampered);
    const out = join(dir, "out");
    const bad = await cli(["pull", `${name}/1.0.0/tampered.bin`, "-o", out], { env });
    expect(bad.code).toBe(EXIT.integrity);
    expect(bad.stderr).toMatch(/tampered\.bin: downloaded bytes have sha256 [0-9a-f]{64}, expected [0-9a-f]{64}/);
    expect(existsSync(join(out, "tampered.bin"))).toBe(false);
    expect(existsSync(join(out, "tampered.bin.partial"))).toBe(false);

    // A partial file whose bytes are wrong is continued with Range, caught at the end, and removed.
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "big.bin.partial"), Buffer.alloc(MiB, 7));
    const corrupt = await cli(["pull", `${name}/1.0.0/big.bin`, "-o", out, "--json"], { env });
    expect(corrupt.code).toBe(EXIT.integrity);
    expect(json(corrupt.stderr.trim().split("\n").pop()!).error).toMatchObject({ code: "SHA256_MISMATCH", details: { path: "big.bin" } });
    expect(existsSync(join(out, "big.bin.partial"))).toBe(false);

    // A correct partial file is continued from where it stopped.
    writeFileSync(join(out, "big.bin.partial"), big.subarray(0, MiB + 17));
    const resumed = await cli(["pull", `${name}/1.0.0/big.bin`, "-o", out, "--json"], { env });
    expect(resumed.code).toBe(EXIT.ok);
    expect(json(resumed.stdout).artifacts).toEqual([expect.objectContaining({ path: "big.bin", outcome: "resumed" })]);
    expect(readFileSync(join(out, "big.bin")).equals(big)).toBe(true);
  });
});

describe("promotion, refs and rollouts", () => {
  it("promotes through the gate, runs a rollout to promotion and rolls back, with --json answers", async () => {
    const dir = tempDir();
    const name = uniqueName("serve");
    const pushVersion = async (semver: string, accuracy: number) => {
      writeFileSync(join(dir, "model.txt"), `${semver} ${Math.random()}`);
      writeFileSync(join(dir, "metrics.json"), JSON.stringify({ accuracy }));
      const pushed = await cli(["push", name, "model.txt", "--version", semver, "--metrics", "metrics.json", "-q"], { cwd: dir, env });
      expect(pushed.code).toBe(EXIT.ok);
    };
    const run = async (...args: string[]) => {
      const result = await cli([...args, "--json"], { cwd: dir, env });
      expect(result.stderr).not.toContain("edgereg:");
      expect(result.code).toBe(EXIT.ok);
      return json(result.stdout);
    };
    await pushVersion("1.0.0", 0.9);
    await pushVersion("1.1.0", 0.92);
    await pushVersion("1.2.0", 0.5);

    writeFileSync(join(dir, "policy.json"), JSON.stringify({ floors: { accuracy: 0.85 } }));
    expect(await run("policy", "set", name, "policy.json")).toMatchObject({ floors: { accuracy: 0.85 } });
    expect((await run("policy", "get", name)).floors).toEqual({ accuracy: 0.85 });
    expect(await run("promote", name, "1", "--to", "staging", "--reason", "candidate")).toMatchObject({ version: 1, stage: "Staging" });
    expect(await run("promote", name, "1.0.0", "--to", "Production", "--reason", "launch")).toMatchObject({ version: 1, stage: "Production", forced: false });
    expect(await run("promote", name, "2", "--to", "Staging")).toMatchObject({ stage: "Staging" });

    // The gate refuses a version under the floor and names the failed check.
    const refused = await cli(["promote", name, "3", "--to", "Staging"], { env });
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stderr).toContain("[UNPROCESSABLE]");
    expect(refused.stderr).toMatch(/✗ .*accuracy/);

    const started = await run("rollout", "start", name, "Production", "--candidate", "2", "--steps", "10,50,100", "--reason", "canary");
    expect(started).toMatchObject({ status: "active", stable_version: 1, candidate_version: 2, weight: 10, steps: [10, 50, 100] });
    expect(await run("rollout", "set", name, "Production", "--next")).toMatchObject({ weight: 50 });
    const status = await run("rollout", "status", name, "Production");
    expect(status.history.map((h: any) => h.action)).toEqual(["start", "weight"]);
    const arms = new Set<string>();
    for (const key of ["a", "b", "c", "d"]) arms.add((await run("resolve", `${name}/Production`, "--key", key)).arm);
    expect([...arms].every((arm) => arm === "stable" || arm === "candidate")).toBe(true);

    const promoted = await run("rollout", "promote", name, "Production", "--reason", "healthy");
    expect(promoted).toMatchObject({ status: "promoted" });
    expect(await run("resolve", `models:/${name}/Production`)).toMatchObject({ number: 2, arm: null });
    // What Production answered while the canary ran, from the recorded history.
    const during = new Date(Date.parse(promoted.ended_at) - 1).toISOString();
    expect(await run("resolve", `${name}/Production`, "--at", during, "--key", "a")).toMatchObject({
      at: during,
      ref_version: 1,
      rollout: { id: started.id, weight: 50, stable_version: 1, candidate_version: 2 },
    });
    expect(await run("refs", "rollback", name, "Production", "--reason", "p99 regression")).toMatchObject({ version: 1, previous_version: 2 });
    const history = await run("refs", "history", name, "Production");
    expect(history.items[0]).toMatchObject({ action: "rollback", from_version: 2, to_version: 1, reason: "p99 regression" });

    expect(await run("refs", "set", name, "champion", "2")).toMatchObject({ ref: "champion", version: 2 });
    expect((await run("models", "show", name)).refs).toMatchObject({ Production: 1, champion: 2 });
    expect((await run("versions", "list", name)).items.map((v: any) => [v.number, v.stage])).toEqual([
      [3, "None"],
      [2, "Staging"],
      [1, "Production"],
    ]);
    expect(await run("refs", "rm", name, "champion", "--reason", "retired")).toMatchObject({ ref: "champion", version: null });

    writeFileSync(join(dir, "signature.json"), JSON.stringify({ inputs: [{ name: "distance_km", type: "double" }], outputs: [{ name: "delay", type: "double" }] }));
    const plan = await run("plan", name, "--signature", "signature.json");
    expect(plan.previous_version).toBe("1.2.0");
    expect(plan.suggested_version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("configuration, admin commands and failures", () => {
  it("logs in to a 0600 config file that later commands use, and manages tokens", async () => {
    const home = tempDir();
    const login = await cli(["login", "--url", registry.url, "--token-stdin"], { env: { HOME: home }, input: `${ADMIN_TOKEN}\n` });
    expect(login.code).toBe(EXIT.ok);
    const config = join(home, ".config/edgereg/config.json");
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(json(readFileSync(config, "utf8"))).toEqual({ url: registry.url, token: ADMIN_TOKEN });

    const name = uniqueName("ci");
    const created = await cli(["tokens", "create", name, "--role", "reader", "--model-glob", "nothing-*", "--json"], { env: { HOME: home } });
    expect(created.code).toBe(EXIT.ok);
    const token = json(created.stdout);
    expect(token).toMatchObject({ name, role: "reader", model_glob: "nothing-*" });
    expect(token.secret).toMatch(/^er_/);
    // The change's D1 bookmark is kept for the next run, which then reads at least that fresh on any replica.
    const bookmarks = join(home, ".local/state/edgereg/bookmarks.json");
    const kept = json(readFileSync(bookmarks, "utf8"))[registry.url];
    expect(kept).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{8}){2}-[0-9a-f]{32}$/);

    const listed = await cli(["tokens", "list", "--all", "--json"], { env: { HOME: home } });
    expect(json(readFileSync(bookmarks, "utf8"))[registry.url] >= kept).toBe(true);
    expect(json(listed.stdout).items.map((t: any) => t.id)).toContain(token.id);
    expect((await cli(["tokens", "revoke", token.id], { env: { HOME: home } })).code).toBe(EXIT.ok);
    const refused = await cli(["models", "list"], { env: { HOME: home, EDGEREG_TOKEN: token.secret } });
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stderr).toContain("[UNAUTHENTICATED]");

    const audit = await cli(["audit", "--action", "token.*", "--limit", "5", "--json"], { env: { HOME: home } });
    expect(json(audit.stdout).items.map((e: any) => e.action)).toContain("token.revoke");
  });

  it("exits non-zero with the registry's message, and tells usage and network failures apart", async () => {
    const missing = await cli(["versions", "show", "no-such-model", "1"], { env });
    expect(missing.code).toBe(EXIT.refused);
    expect(missing.stderr).toContain("edgereg: model 'no-such-model' does not exist [NOT_FOUND]");
    const asJson = await cli(["--json", "models", "show", "no-such-model"], { env });
    expect(asJson.code).toBe(EXIT.refused);
    expect(json(asJson.stderr).error).toMatchObject({ code: "NOT_FOUND", message: "model 'no-such-model' does not exist" });

    const dir = tempDir();
    writeFileSync(join(dir, "a.txt"), `a ${Math.random()}`);
    const name = uniqueName("conflict");
    expect((await cli(["push", name, "a.txt", "--version", "1.0.0", "-q"], { cwd: dir, env })).code).toBe(EXIT.ok);
    writeFileSync(join(dir, "a.txt"), "different bytes");
    const conflict = await cli(["push", name, "a.txt", "--version", "1.0.0"], { cwd: dir, env });
    expect(conflict.code).toBe(EXIT.refused);
    expect(conflict.stderr).toContain("already exists with other files (a.txt has different bytes)");

    // A bad semver is refused before any file is read (it used to be the registry's 400 after hashing).
    const invalid = await cli(["push", name, "a.txt", "--version", "v2"], { cwd: dir, env });
    expect(invalid.code).toBe(EXIT.usage);
    expect(invalid.stderr).toContain("--version 'v2' is not a semantic version");

    expect((await cli(["push", name, "a.txt"], { cwd: dir, env })).code).toBe(EXIT.usage);
    expect((await cli(["push", name, "a.txt", "--version", "2.0.0", "--part-size", "1MiB"], { cwd: dir, env })).code).toBe(EXIT.usage);
    const noUrl = await cli(["models", "list"], { env: {} });
    expect(noUrl.code).toBe(EXIT.usage);
    expect(noUrl.stderr).toContain("no registry URL");
    const down = await cli(["models", "list", "--url", "http://127.0.0.1:9"], { env });
    expect(down.code).toBe(EXIT.unreachable);
  });
});

/** Runs a command that must succeed and answers its --json result. */
async function ok<T = any>(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<T> {
  const result = await cli([...args, "--json"], { env, ...options });
  expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(EXIT.ok);
  return json<T>(result.stdout);
}

/** A model with versions 1 (in Production) and 2, both pushed by the command. */
async function servedModel(prefix: string) {
  const dir = tempDir();
  const name = uniqueName(prefix);
  for (const semver of ["1.0.0", "1.1.0"]) {
    writeFileSync(join(dir, "model.txt"), `${semver} ${Math.random()}`);
    await ok(["push", name, "model.txt", "--version", semver, "-q"], { cwd: dir });
  }
  await ok(["promote", name, "1", "--to", "Staging"]);
  await ok(["promote", name, "1", "--to", "Production", "--reason", "launch"]);
  return { dir, name };
}

describe("monitoring from the terminal", () => {
  it("reports observations per arm from flags, a file and stdin, and shows the rollout's A/B result", async () => {
    const { dir, name } = await servedModel("observe");
    writeFileSync(join(dir, "rule.json"), JSON.stringify({ metric: "correct", direction: "higher", max_drop: 0.5, min_samples: 1000, window_s: 3600 }));
    await ok(["promote", name, "2", "--to", "Staging"]);
    await ok(["rollout", "start", name, "Production", "--candidate", "2", "--weight", "50", "--policy", "rule.json", "--reason", "canary"], { cwd: dir });

    // The serving client's token: a reporter may report but not publish.
    const reporter = (await ok(["tokens", "create", uniqueName("serving"), "--role", "reporter"])).secret as string;
    const serving = { ...env, EDGEREG_TOKEN: reporter };
    const flagged = await ok(["observe", name, "--ref", "Production", "--arm", "stable", "--metric", "correct=1", "--count", "30"], { env: serving });
    expect(flagged).toMatchObject({ accepted: 1, versions: [1], batches: 1 });
    expect(flagged.auto_rollback).toEqual([expect.objectContaining({ ref: "Production", tripped: false })]);

    writeFileSync(join(dir, "stable.json"), JSON.stringify({ observations: [{ ref: "Production", arm: "stable", metrics: { correct: 0 }, count: 10 }] }));
    expect(await ok(["observe", name, "stable.json"], { cwd: dir, env: serving })).toMatchObject({ accepted: 1, versions: [1] });
    const log = [{ metrics: { correct: 1 }, count: 9 }, { metrics: { correct: 0 }, count: 1 }].map((r) => JSON.stringify(r)).join("\n");
    const piped = await cli(["observe", name, "-", "--ref", "Production", "--arm", "candidate"], { env: serving, input: log });
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.stdout).toMatch(/recorded 2 observations of .* \(version 2\)/);
    expect(piped.stdout).toMatch(/auto-rollback Production \(rollout .*\): holds/);

    const status = await ok(["rollout", "status", name, "Production"]);
    expect(status.ab).toMatchObject({ metric: "correct", direction: "higher", stable: { version: 1, count: 40, mean: 0.75 }, candidate: { version: 2, count: 10, mean: 0.9 } });
    expect(status.ab.welch.difference).toBeCloseTo(0.15, 6);
    const human = await cli(["rollout", "status", name, "Production"], { env });
    expect(human.stdout).toContain("A/B on correct (higher is better)");
    expect(human.stdout).toMatch(/stable\s+1\s+40\s+0\.75/);
    expect(human.stdout).toMatch(/candidate − stable: 0\.15 \(95% CI/);
    expect((await ok(["rollout", "list", name, "--status", "active"])).items.map((r: any) => r.candidate_version)).toEqual([2]);

    // Mistakes are caught before anything is sent.
    expect((await cli(["observe", name, "--metric", "correct=1"], { env: serving })).code).toBe(EXIT.usage);
    expect((await cli(["observe", name, "--ref", "Production", "--arm", "blue", "--metric", "correct=1"], { env: serving })).code).toBe(EXIT.usage);
    expect((await cli(["observe", name, "--version", "1"], { env: serving })).code).toBe(EXIT.usage);
  });

  it("stores reference data from CSV and checks drift against a ref, failing on drift when asked", async () => {
    const { dir, name } = await servedModel("drift");
    const rows = (shift: number, carriers: string[]) =>
      ["distance_km,carrier", ...Array.from({ length: 200 }, (_, i) => `${((i * 37) % 500) + shift},${carriers[i % carriers.length]}`)].join("\n");
    writeFileSync(join(dir, "reference.csv"), rows(0, ["AA", "DL", "UA"]));
    const stored = await ok(["reference-data", "set", name, "1", "reference.csv"], { cwd: dir });
    expect(stored).toMatchObject({ version: 1, features: { distance_km: { kind: "numbers", rows: 200 }, carrier: { kind: "strings", rows: 200 } } });
    expect((await ok(["reference-data", "get", name, "1.0.0"])).features.distance_km).toHaveLength(200);

    const same = await cli(["drift", "check", name, "-", "--ref", "Production", "--fail-on-drift", "--json"], { env, input: rows(0, ["AA", "DL", "UA"]) });
    expect(same.code).toBe(EXIT.ok);
    expect(json(same.stdout)).toMatchObject({ version: 1, dataset_drift: false });

    writeFileSync(join(dir, "current.csv"), rows(400, ["WN"]));
    const drifted = await cli(["drift", "check", name, "current.csv", "--ref", "Production", "--fail-on-drift"], { cwd: dir, env });
    expect(drifted.code).toBe(EXIT.drift);
    expect(drifted.stdout).toMatch(/dataset drift:\s+true/);
    expect(drifted.stdout).toMatch(/distance_km\s+numerical\s+ks/);
    expect(drifted.stderr).toContain("[DRIFT_DETECTED]");
    const listed = await ok(["drift", "list", name, "--drifted"]);
    expect(listed.items).toHaveLength(1);
    expect((await ok(["drift", "show", name, listed.items[0].id])).dataset_drift).toBe(true);

    expect((await cli(["drift", "check", name, "current.csv"], { cwd: dir, env })).code).toBe(EXIT.usage);
  });

  it("updates a version's description, tags and metrics, and archives it", async () => {
    const { name } = await servedModel("update");
    await ok(["versions", "update", name, "2", "--tag", "team=ops", "--tag", "reviewed=no"]);
    const updated = await ok(["versions", "update", name, "1.1.0", "--description", "retrained on May data", "--untag", "reviewed", "--metric", "auc=0.97"]);
    expect(updated).toMatchObject({ number: 2, description: "retrained on May data", tags: { team: "ops" }, metrics: { auc: 0.97 } });
    expect(updated.tags).not.toHaveProperty("reviewed");
    expect(await ok(["versions", "update", name, "2", "--archive"])).toMatchObject({ archived: true, stage: "Archived" });

    const changed = await cli(["versions", "update", name, "2", "--metric", "auc=0.5"], { env });
    expect(changed.code).toBe(EXIT.refused);
    expect(changed.stderr).toContain("[CONFLICT]");
    expect((await cli(["versions", "update", name, "2"], { env })).code).toBe(EXIT.usage);
  });

  it("deletes and restores versions and models, renames a model and drops its redirect", async () => {
    const { name } = await servedModel("lifecycle");
    expect(await ok(["versions", "delete", name, "2", "--reason", "bad data"])).toEqual({ version: 2, cleared_refs: [] });
    expect((await ok(["versions", "list", name, "--deleted"])).items.map((v: any) => v.number)).toEqual([2]);
    expect(await ok(["versions", "restore", name, "2"])).toMatchObject({ number: 2, archived: true });

    const refused = await cli(["models", "delete", name], { env });
    expect(refused.code).toBe(EXIT.refused);
    expect(refused.stderr).toContain("Production");

    const renamed = await ok(["models", "rename", name, `${name}-next`, "--reason", "naming"]);
    expect(renamed).toMatchObject({ name: `${name}-next`, former_names: [name], refs: { Production: 1 } });
    expect((await ok(["resolve", `models:/${name}/Production`])).model).toBe(`${name}-next`);
    await ok(["models", "drop-redirect", `${name}-next`, name]);
    expect((await cli(["resolve", `models:/${name}/Production`], { env })).code).toBe(EXIT.refused);

    await ok(["refs", "rm", `${name}-next`, "Production", "--force", "--reason", "retire"]);
    expect((await ok(["models", "delete", `${name}-next`])).versions).toEqual([1, 2]);
    expect((await ok(["models", "list", "--deleted", "--q", name])).items.map((m: any) => m.name)).toEqual([`${name}-next`]);
    expect((await ok(["models", "restore", `${name}-next`])).name).toBe(`${name}-next`);
  });

  it("manages webhooks and reads their delivery log; filters the audit log by time span", async () => {
    const { name } = await servedModel("hooks");
    const hook = await ok(["webhooks", "create", "https://hooks.example.com/edgereg", "--event", "stage.changed", "--model", name, "--description", "ops channel"]);
    expect(hook).toMatchObject({ url: "https://hooks.example.com/edgereg", events: ["stage.changed"], model: name });
    expect(hook.secret).toBeTruthy();
    expect((await ok(["webhooks", "list", "--all"])).items.map((w: any) => w.id)).toContain(hook.id);
    expect(await ok(["webhooks", "show", hook.id])).toMatchObject({ id: hook.id, description: "ops channel" });

    await ok(["promote", name, "2", "--to", "Staging"]);
    const deliveries = await ok(["webhooks", "deliveries", hook.id]);
    expect(Array.isArray(deliveries.items)).toBe(true);
    for (const d of deliveries.items) expect(d).toMatchObject({ webhook_id: hook.id, event: "stage.changed" });
    // Nothing has failed every attempt yet, so a replay of the last hour finds no dead letter to send again.
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    expect(await ok(["webhooks", "replay", hook.id, "--since", hourAgo, "--until", new Date(Date.now() + 1000).toISOString()])).toMatchObject({ replayed: 0 });

    expect((await ok(["webhooks", "delete", hook.id])).deleted_at).toBeTruthy();
    const noEvent = await cli(["webhooks", "create", "https://hooks.example.com/x"], { env });
    expect(noEvent.code).toBe(EXIT.usage);
    expect(noEvent.stderr).toContain("required option '--event <type>' not specified");

    // Webhooks belong to no one model: their events are found by action and time.
    const recent = await ok(["audit", "--since", "1h", "--action", "webhook.*", "--all"]);
    expect(recent.items.map((e: any) => e.action)).toEqual(expect.arrayContaining(["webhook.create", "webhook.delete"]));
    expect((await ok(["audit", "--model", name, "--until", "1h"])).items).toEqual([]);
    expect((await cli(["audit", "--since", "last week"], { env })).code).toBe(EXIT.usage);
  });
});

describe("push: checks first, provenance, interruption", () => {
  it("refuses a bad semver or a too-small bump before hashing, with a one-line usage error", async () => {
    const dir = tempDir();
    const name = uniqueName("early");
    writeFileSync(join(dir, "model.bin"), `x ${Math.random()}`);
    writeFileSync(join(dir, "v1.json"), JSON.stringify({ inputs: [{ name: "a", type: "double" }], outputs: [{ name: "y", type: "double" }] }));
    writeFileSync(join(dir, "v2.json"), JSON.stringify({ inputs: [{ name: "b", type: "double" }], outputs: [{ name: "y", type: "double" }] }));
    await ok(["push", name, "model.bin", "--version", "1.0.0", "--signature", "v1.json"], { cwd: dir });

    const missing = await cli(["push", name, "model.bin"], { cwd: dir, env });
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr.trim().split("\n")).toEqual([
      "error: required option '--version <semver>' not specified",
      "usage: edgereg push [options] <name> <paths...>",
      "(edgereg push --help lists every option)",
    ]);

    // A removed input needs a major bump: refused by the plan before a byte is hashed.
    writeFileSync(join(dir, "model.bin"), `y ${Math.random()}`);
    const minor = await cli(["push", name, "model.bin", "--version", "1.1.0", "--signature", "v2.json"], { cwd: dir, env });
    expect(minor.code).toBe(EXIT.refused);
    expect(minor.stderr).toContain("requires a major bump after 1.0.0");
    expect(minor.stderr).toContain("nothing was hashed or uploaded");
    expect(minor.stderr).not.toContain("hashed 1 file");
    expect(await ok(["push", name, "model.bin", "--version", "2.0.0", "--signature", "v2.json"], { cwd: dir })).toMatchObject({ version: { semver: "2.0.0" } });

    const tooMany = await cli(["rollout", "start", name, "Production", "--candidate", "2"], { env });
    expect(tooMany.code).toBe(EXIT.usage);
    expect(tooMany.stderr).toContain("give --weight or --steps (not both)");
    expect(tooMany.stderr).toContain("usage: edgereg rollout start [options] <name> <ref>");
    expect(tooMany.stderr).not.toContain("Options:");
  });

  it("records the commit only for files inside its repository, and git_dirty when they differ from it", async () => {
    const repo = tempDir();
    const git = (...args: string[]) => spawnSync("git", ["-c", "user.name=ci", "-c", "user.email=ci@example.com", ...args], { cwd: repo, encoding: "utf8" });
    git("init", "-q");
    writeFileSync(join(repo, "model.bin"), `committed ${Math.random()}`);
    git("add", "model.bin");
    git("commit", "-q", "-m", "model");
    const head = git("rev-parse", "HEAD").stdout.trim();
    const name = uniqueName("git");

    const clean = await cli(["push", name, "model.bin", "--version", "1.0.0", "--json"], { cwd: repo, env });
    expect(json(clean.stdout).version).toMatchObject({ git_commit: head, tags: {} });
    expect(clean.stderr).toContain(`recording git commit ${head.slice(0, 12)}`);

    writeFileSync(join(repo, "model.bin"), `edited ${Math.random()}`);
    const dirty = await cli(["push", name, "model.bin", "--version", "1.0.1", "--json"], { cwd: repo, env });
    expect(json(dirty.stdout).version).toMatchObject({ git_commit: head, tags: { git_dirty: "true" } });
    expect(dirty.stderr).toContain("1 pushed file(s) differ from it (model.bin)");

    // Run from inside the repository, files from elsewhere: HEAD says nothing about them.
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, "other.bin"), `other ${Math.random()}`);
    const outside = await cli(["push", name, join(elsewhere, "other.bin"), "--version", "1.0.2", "--json"], { cwd: repo, env });
    expect(json(outside.stdout).version.git_commit).toBeNull();
    expect(outside.stderr).toContain("no git commit recorded: the pushed files are not in a git repository");
  });

  it("on Ctrl-C says exactly how to resume, and that command finishes the push", async () => {
    const dir = tempDir();
    writeRandom(join(dir, "weights.bin"), 16 * MiB);
    const name = uniqueName("interrupt");
    const proxy = await new PartProxy(registry.url).start();
    try {
      proxy.holdPartsAfter = 1;
      const args = ["push", name, "weights.bin", "--version", "0.1.0", "--part-size", "5MiB", "--concurrency", "1"];
      const proxied = { ...env, EDGEREG_URL: proxy.url };
      const first = await cli([...args, "--token", ADMIN_TOKEN], { cwd: dir, env: proxied }, (child) => {
        until(() => proxy.stored.length >= 1 && proxy.held.length > 0, "a part to stall").then(() => child.kill("SIGINT"));
      });
      expect(first.code, first.stderr).toBe(EXIT.interrupted);
      expect(first.stderr).toContain(`push interrupted; what reached the registry stays there. Resume from ${dir} with:`);
      const resume = first.stderr.trim().split("\n").pop()!.trim();
      expect(resume).toBe(`edgereg ${args.join(" ")} --token "$EDGEREG_TOKEN"`);
      expect(first.stderr).not.toContain(ADMIN_TOKEN);

      proxy.reset();
      const again = await cli([...args, "--token", ADMIN_TOKEN, "--json"], { cwd: dir, env: proxied });
      expect(again.code).toBe(EXIT.ok);
      expect(json(again.stdout)).toMatchObject({ created: false, version: { status: "READY" } });
      expect(json(again.stdout).uploads[0].parts_sent).toBeLessThan(4);
    } finally {
      await proxy.stop();
    }
  });

  it("lets a publisher token push and move the version into Staging, as the CI workflow does", async () => {
    const publisher = (await ok(["tokens", "create", uniqueName("ci"), "--role", "publisher"])).secret as string;
    const ci = { ...env, EDGEREG_TOKEN: publisher };
    const dir = tempDir();
    const name = uniqueName("ci");
    writeFileSync(join(dir, "model.bin"), `ci ${Math.random()}`);
    writeFileSync(join(dir, "metrics.json"), JSON.stringify({ accuracy: 0.91 }));
    const pushed = await ok(["push", name, "model.bin", "--version", "1.0.0", "--metrics", "metrics.json", "--description", "from CI"], { cwd: dir, env: ci });
    expect(pushed.version).toMatchObject({ status: "READY", created_by: expect.any(String) });
    expect(await ok(["promote", name, "1.0.0", "--to", "Staging", "--reason", "CI build"], { env: ci })).toMatchObject({ stage: "Staging" });
    const production = await cli(["promote", name, "1.0.0", "--to", "Production"], { env: ci });
    expect(production.code).toBe(EXIT.refused);
    expect(production.stderr).toContain("[FORBIDDEN]");
  });
});

describe("the edgereg-push GitHub Action", () => {
  it("runs its script: pushes the paths with metrics, moves the version into Staging and writes the outputs", async () => {
    const bin = tempDir();
    symlinkSync(join(root, "cli/dist/edgereg.mjs"), join(bin, "edgereg"));
    const work = tempDir();
    mkdirSync(join(work, "dist/model"), { recursive: true });
    writeFileSync(join(work, "dist/model/weights.bin"), `weights ${Math.random()}`);
    writeFileSync(join(work, "dist/metrics.json"), JSON.stringify({ accuracy: 0.91 }));
    const name = uniqueName("action");
    const outputs = join(work, "outputs.txt");
    const action = spawnSync(join(root, ".github/actions/edgereg-push/push.sh"), [], {
      cwd: work,
      encoding: "utf8",
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: work,
        ...env,
        INPUT_MODEL: name,
        INPUT_VERSION: "1.4.0",
        INPUT_PATHS: "dist/model",
        INPUT_METRICS: "dist/metrics.json",
        INPUT_DESCRIPTION: "trained in CI",
        INPUT_PROMOTE_TO: "Staging",
        GITHUB_OUTPUT: outputs,
        GITHUB_RUN_ID: "4242",
        GITHUB_WORKFLOW: "example-push",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/models",
      },
    });
    expect(action.status, action.stderr).toBe(0);
    expect(action.stdout).toContain(`pushed ${name} 1.4.0 as version 1`);
    expect(readFileSync(outputs, "utf8")).toBe(`number=1\nreference=models:/${name}/1.4.0\n`);
    const version = await ok(["versions", "show", name, "1.4.0"]);
    expect(version).toMatchObject({
      stage: "Staging",
      description: "trained in CI",
      run_id: "4242",
      source: "https://github.com/acme/models/actions/runs/4242",
      metrics: { accuracy: 0.91 },
      tags: { ci: "github" },
      artifacts: [expect.objectContaining({ path: "weights.bin" })],
    });
    const history = await ok(["refs", "history", name, "Staging"]);
    expect(history.items[0]).toMatchObject({ to_version: 1, reason: "pushed by example-push run 4242" });
  });
});
