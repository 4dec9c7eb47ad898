/**
 * The security review, as tests: routes outside /openapi.json (MLflow facade, admin UI) under the same roles and
 * scopes as the API; secrets never logged nor returned after creation; constant-time comparison; CSRF; response
 * headers; request size limits; the per-token rate limit on mutations.
 * (The OpenAPI routes' role × scope matrix lives in test/auth.test.ts, fed by test/route-matrix/*.ts.)
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { secretsEqual } from "../src/auth/secrets";
import { MAX_JSON_BODY_BYTES } from "../src/app";
import { STYLESHEET_PATH } from "../src/ui/layout";
import {
  ADMIN,
  BASE,
  artifactBytes,
  call,
  callJson,
  createModel,
  createVersion,
  faultyD1,
  moveRef,
  putArtifact,
  registryWith,
  sha256Hex,
  tableCounts,
  tokenFor,
  uiSessionOf,
  uniqueName,
} from "./helpers";
import { SWAGGER_UI_VERSION } from "../src/http/docs";

const SESSION = "__Host-edgereg_session";
const RANK = { reader: 0, publisher: 1, admin: 2 } as const;
type Role = keyof typeof RANK;

let model: string;
const tokens = {} as Record<Role | "scoped", string>;

beforeAll(async () => {
  model = uniqueName("sec");
  await createModel(model);
  await createVersion(model, "1.0.0");
  const bytes = artifactBytes(4096, 21);
  await createVersion(model, "1.1.0", { artifacts: [{ path: "model.bin", size: bytes.length, sha256: await sha256Hex(bytes) }] });
  await putArtifact(model, 2, "model.bin", bytes);
  await moveRef(model, "Staging", 1);
  await moveRef(model, "Production", 1);
  await moveRef(model, "champion", 2);
  for (const role of ["reader", "publisher", "admin"] as const) tokens[role] = await tokenFor(role);
  tokens.scoped = await tokenFor("admin", "other-*");
});

/** A browser request to the UI: the session cookie, and Origin on posts as browsers send it. */
async function ui(method: string, path: string, options: { session?: string; form?: Record<string, string> } = {}) {
  const headers = new Headers(method === "POST" ? { Origin: BASE } : {});
  // `session` names the token a browser signed in with; the cookie is the session id sign-in gave it.
  if (options.session) headers.set("Cookie", `${SESSION}=${(await uiSessionOf(options.session)) ?? encodeURIComponent(options.session)}`);
  const body = options.form ? new URLSearchParams(options.form) : undefined;
  if (body) headers.set("Content-Type", "application/x-www-form-urlencoded");
  return exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body, redirect: "manual" }));
}

async function csrfOf(session: string): Promise<string> {
  const html = await (await ui("GET", "/ui", { session })).text();
  return /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
}

describe("routes outside /openapi.json", () => {
  type Need = "public" | Role;
  interface Row {
    need: Need;
    /** Which model the route touches, so a token scoped to other models must be refused (403). */
    scoped?: boolean;
    path: () => string;
    form?: Record<string, string>;
    /** MLflow's own role tests (test/mlflow.test.ts) cover roles; here every row is checked for 401. */
    rolesElsewhere?: boolean;
  }
  const mlflow = (need: Role, path: string): Row => ({ need, path: () => `/api/2.0/mlflow/${path}`, rolesElsewhere: true });
  const OUTSIDE: Record<string, Row> = {
    "POST /api/2.0/mlflow/registered-models/create": mlflow("publisher", "registered-models/create"),
    "GET /api/2.0/mlflow/registered-models/get": mlflow("reader", "registered-models/get"),
    "PATCH /api/2.0/mlflow/registered-models/update": mlflow("publisher", "registered-models/update"),
    "POST /api/2.0/mlflow/registered-models/rename": mlflow("admin", "registered-models/rename"),
    "DELETE /api/2.0/mlflow/registered-models/delete": mlflow("publisher", "registered-models/delete"),
    "GET /api/2.0/mlflow/registered-models/search": mlflow("reader", "registered-models/search"),
    "POST /api/2.0/mlflow/registered-models/get-latest-versions": mlflow("reader", "registered-models/get-latest-versions"),
    "GET /api/2.0/mlflow/registered-models/get-latest-versions": mlflow("reader", "registered-models/get-latest-versions"),
    "POST /api/2.0/mlflow/registered-models/set-tag": mlflow("publisher", "registered-models/set-tag"),
    "DELETE /api/2.0/mlflow/registered-models/delete-tag": mlflow("publisher", "registered-models/delete-tag"),
    "POST /api/2.0/mlflow/registered-models/alias": mlflow("admin", "registered-models/alias"),
    "DELETE /api/2.0/mlflow/registered-models/alias": mlflow("admin", "registered-models/alias"),
    "GET /api/2.0/mlflow/registered-models/alias": mlflow("reader", "registered-models/alias"),
    "POST /api/2.0/mlflow/model-versions/create": mlflow("publisher", "model-versions/create"),
    "GET /api/2.0/mlflow/model-versions/get": mlflow("reader", "model-versions/get"),
    "PATCH /api/2.0/mlflow/model-versions/update": mlflow("publisher", "model-versions/update"),
    "DELETE /api/2.0/mlflow/model-versions/delete": mlflow("publisher", "model-versions/delete"),
    "GET /api/2.0/mlflow/model-versions/search": mlflow("reader", "model-versions/search"),
    "POST /api/2.0/mlflow/model-versions/transition-stage": mlflow("admin", "model-versions/transition-stage"),
    "GET /api/2.0/mlflow/model-versions/get-download-uri": mlflow("reader", "model-versions/get-download-uri"),
    "POST /api/2.0/mlflow/model-versions/set-tag": mlflow("publisher", "model-versions/set-tag"),
    "DELETE /api/2.0/mlflow/model-versions/delete-tag": mlflow("publisher", "model-versions/delete-tag"),
    "GET /api/2.0/mlflow/logged-models/:model_id": mlflow("reader", "logged-models/m-0123456789abcdef"),
    "POST /api/2.0/mlflow/logged-models/search": mlflow("reader", "logged-models/search"),
    "GET /api/2.0/mlflow-artifacts/artifacts": { need: "reader", scoped: true, path: () => `/api/2.0/mlflow-artifacts/artifacts?path=models/${model}/versions/2` },
    "GET /api/2.0/mlflow-artifacts/artifacts/*": { need: "reader", scoped: true, path: () => `/api/2.0/mlflow-artifacts/artifacts/models/${model}/versions/2/model.bin` },
    "PUT /api/2.0/mlflow-artifacts/artifacts/*": { need: "publisher", path: () => `/api/2.0/mlflow-artifacts/artifacts/models/${model}/versions/2/x.bin` },
    "DELETE /api/2.0/mlflow-artifacts/artifacts/*": { need: "publisher", path: () => `/api/2.0/mlflow-artifacts/artifacts/models/${model}/versions/2/x.bin` },
    "POST /api/2.0/mlflow-artifacts/mpu/*": { need: "publisher", path: () => "/api/2.0/mlflow-artifacts/mpu/create/x" },
    [`GET ${STYLESHEET_PATH}`]: { need: "public", path: () => STYLESHEET_PATH },
    "GET /ui/login": { need: "public", path: () => "/ui/login" },
    "POST /ui/login": { need: "public", path: () => "/ui/login" },
    "POST /ui/logout": { need: "public", path: () => "/ui/logout" },
    "GET /ui": { need: "reader", path: () => "/ui" },
    "GET /ui/": { need: "public", path: () => "/ui/" },
    "GET /ui/models/:name": { need: "reader", scoped: true, path: () => `/ui/models/${model}` },
    "GET /ui/models/:name/versions/:v": { need: "reader", scoped: true, path: () => `/ui/models/${model}/versions/1` },
    "GET /ui/models/:name/versions/:v/artifacts/*": { need: "reader", scoped: true, path: () => `/ui/models/${model}/versions/2/artifacts/model.bin` },
    "GET /ui/audit": { need: "admin", path: () => "/ui/audit" },
    "POST /ui/models/:name/refs/:ref/rollback": { need: "admin", scoped: true, path: () => `/ui/models/${model}/refs/nothing/rollback`, form: { reason: "r" } },
    "POST /ui/models/:name/rollouts": {
      need: "admin",
      scoped: true,
      path: () => `/ui/models/${model}/rollouts`,
      form: { ref: "nothing", candidate: "1", weights: "5", reason: "r" },
    },
    "POST /ui/models/:name/rollouts/:ref/weight": { need: "admin", scoped: true, path: () => `/ui/models/${model}/rollouts/nothing/weight`, form: { weight: "5", reason: "" } },
    "POST /ui/models/:name/rollouts/:ref/promote": { need: "admin", scoped: true, path: () => `/ui/models/${model}/rollouts/nothing/promote`, form: { reason: "" } },
    "POST /ui/models/:name/versions/:v/restore": { need: "admin", scoped: true, path: () => `/ui/models/${model}/versions/99/restore`, form: {} },
    "POST /ui/models/:name/restore": { need: "admin", scoped: true, path: () => `/ui/models/${model}/restore`, form: {} },
    "POST /ui/models/:name/rollouts/:ref/abort": { need: "admin", scoped: true, path: () => `/ui/models/${model}/rollouts/nothing/abort`, form: { reason: "" } },
    "GET /": { need: "public", path: () => "/" },
    "GET /ui/models/:name/rollouts/:id": { need: "reader", scoped: true, path: () => `/ui/models/${model}/rollouts/00000000-0000-0000-0000-000000000000` },
    "GET /ui/models/:name/timeline": { need: "reader", scoped: true, path: () => `/ui/models/${model}/timeline` },
    "GET /ui/models/:name/compare": { need: "reader", scoped: true, path: () => `/ui/models/${model}/compare?v=1&v=2` },
    "GET /ui/models/:name/drift/:id": { need: "reader", scoped: true, path: () => `/ui/models/${model}/drift/no-such-report` },
    // Tokens are an unscoped admin's: a scoped admin is refused like a reader.
    "GET /ui/tokens": { need: "admin", scoped: true, path: () => "/ui/tokens" },
    "POST /ui/tokens": { need: "admin", scoped: true, path: () => "/ui/tokens", form: { name: "matrix", role: "reader", model_glob: "*", expires: "" } },
    "POST /ui/tokens/:id/revoke": { need: "admin", scoped: true, path: () => "/ui/tokens/00000000-0000-0000-0000-000000000000/revoke", form: {} },
    "GET /v2/": { need: "reader", path: () => "/v2/" },
    "GET /v2": { need: "reader", path: () => "/v2" },
    "GET /v2/token": { need: "reader", path: () => "/v2/token" },
    "GET /v2/_catalog": { need: "reader", path: () => "/v2/_catalog" },
    "GET /v2/:name/manifests/:reference": { need: "reader", scoped: true, path: () => `/v2/${model}/manifests/Production` },
    "GET /v2/:name/blobs/:digest": { need: "reader", scoped: true, path: () => `/v2/${model}/blobs/sha256:${"0".repeat(64)}` },
    "GET /v2/:name/tags/list": { need: "reader", scoped: true, path: () => `/v2/${model}/tags/list` },
    "GET /v2/:name/referrers/:digest": { need: "reader", scoped: true, path: () => `/v2/${model}/referrers/sha256:${"0".repeat(64)}` },
    "GET /openapi.json": { need: "public", path: () => "/openapi.json" },
    "GET /docs": { need: "public", path: () => "/docs" },
    [`GET /docs/assets/${SWAGGER_UI_VERSION}/:file`]: { need: "public", path: () => `/docs/assets/${SWAGGER_UI_VERSION}/init.js` },
  };

  it("every route the app serves outside /v1 has a row", () => {
    const served = new Set(createApp().routes.filter((r) => r.method !== "ALL" && !r.path.startsWith("/v1/")).map((r) => `${r.method} ${r.path}`));
    expect([...served].filter((route) => !(route in OUTSIDE))).toEqual([]);
  });

  const sendAs = async (route: string, row: Row, caller: string | null) => {
    const method = route.split(" ")[0]!;
    if (route.includes(" /ui")) {
      const form = method === "POST" && caller ? { ...row.form, _csrf: await csrfOf(caller) } : row.form;
      return ui(method, row.path(), { session: caller ?? undefined, form });
    }
    return call(method, row.path(), { token: caller, body: method === "GET" ? undefined : "{}" });
  };
  const isUi = (route: string) => route.includes(" /ui");

  for (const [route, row] of Object.entries(OUTSIDE)) {
    it(`${route} needs ${row.need}${row.scoped ? " within the token's scope" : ""}`, async () => {
      const anonymous = await sendAs(route, row, null);
      // Public: no credential needed (a form post without its CSRF token is still refused, with 403).
      if (row.need === "public") return expect([401, 500, 502, 503]).not.toContain(anonymous.status);
      if (isUi(route)) {
        expect(anonymous.status).toBe(303);
        expect(anonymous.headers.get("Location")).toMatch(/^\/ui\/login/);
      } else {
        expect(anonymous.status).toBe(401);
        // The OCI door answers in the distribution spec's error shape, the MLflow facade in MLflow's.
        const refusal = route.includes(" /v2")
          ? { errors: [{ code: "UNAUTHORIZED", message: expect.any(String) }] }
          : { error_code: "UNAUTHENTICATED", message: expect.any(String) };
        expect(await anonymous.json()).toEqual(refusal);
      }
      if (row.rolesElsewhere) return;
      for (const role of ["reader", "publisher", "admin"] as const) {
        const res = await sendAs(route, row, tokens[role]);
        if (RANK[role] < RANK[row.need]) expect(res.status, `${role} on ${route}`).toBe(403);
        else expect([401, 403], `${role} on ${route} → ${res.status}`).not.toContain(res.status);
      }
      if (row.scoped) expect((await sendAs(route, row, tokens.scoped)).status, `scoped admin on ${route}`).toBe(403);
    });
  }
});

describe("secrets", () => {
  const captured: string[] = [];
  beforeAll(() => {
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void captured.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" ")));
    }
  });
  afterEach(() => void (captured.length = 0));

  it("are never logged: not on success, refusal, rate limiting, nor an internal error", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("logged"), role: "admin" } });
    const secret: string = created.secret;
    const bogus = `er_${"Z".repeat(43)}`;
    await callJson("GET", `/v1/models/${model}`, 200, { token: secret });
    await callJson("GET", `/v1/models/${model}`, 401, { token: bogus });
    await call("GET", "/api/2.0/mlflow/registered-models/get?name=x", { token: bogus });
    await ui("GET", "/ui", { session: bogus });
    const broken = registryWith({ env: { DB: faultyD1(env.DB, () => true), RATE_LIMIT_MUTATIONS_PER_MINUTE: "1" } });
    expect((await broken.call("PUT", `/v1/models/${model}/refs/champion`, { token: secret, body: { version: 1 } })).status).toBe(500);
    expect((await broken.call("PUT", `/v1/models/${model}/refs/champion`, { token: secret, body: { version: 1 } })).status).toBe(429);
    expect(captured.length).toBeGreaterThan(0);
    for (const line of captured) for (const s of [secret, bogus, ADMIN]) expect(line).not.toContain(s);
  });

  it("are never returned after creation: not in lists, audit events, errors or the UI's sign-in page", async () => {
    const token = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("shown-once"), role: "reader" } });
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: "https://hooks.example.invalid/x", events: ["*"], model: "no-such-model-*" } });
    expect(token.secret).toMatch(/^er_/);
    expect(hook.secret).toEqual(expect.any(String));
    const answers = [
      await callJson("GET", "/v1/tokens?include_revoked=true&limit=200", 200),
      await callJson("GET", "/v1/webhooks?limit=200", 200),
      await callJson("GET", `/v1/webhooks/${hook.id}`, 200),
      await callJson("GET", "/v1/audit?limit=200", 200),
      await callJson("DELETE", `/v1/tokens/${token.id}`, 200),
      await callJson("GET", "/v1/models", 401, { token: token.secret }),
    ];
    for (const answer of answers) for (const s of [token.secret, hook.secret, ADMIN]) expect(JSON.stringify(answer)).not.toContain(s);

    const login = await ui("GET", "/ui/login");
    const nonce = /__Host-edgereg_login=([^;]+)/.exec(login.headers.get("Set-Cookie")!)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
    const refused = await exports.default.fetch(
      new Request(`${BASE}/ui/login`, {
        method: "POST",
        headers: { Origin: BASE, Cookie: `__Host-edgereg_login=${nonce}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: token.secret, _csrf: csrf }),
        redirect: "manual",
      }),
    );
    expect(refused.status).toBe(401);
    expect(await refused.text()).not.toContain(token.secret);
  });

  it("are compared in constant time: the bootstrap secret only through secretsEqual", async () => {
    expect(await secretsEqual("er_same", "er_same")).toBe(true);
    expect(await secretsEqual("er_same", "er_samf")).toBe(false);
    expect(await secretsEqual("er_short", "er_a-much-longer-secret")).toBe(false);
    const sources = import.meta.glob<string>(["../src/**/*.ts", "../src/**/*.tsx", "!../src/**/*.test.ts"], { query: "?raw", import: "default", eager: true });
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    for (const [file, text] of Object.entries(sources)) {
      // No ordinary (early-exit) comparison of the bootstrap secret or the CSRF token anywhere.
      expect(text, file).not.toMatch(/(adminToken|ADMIN_TOKEN|csrf\w*)\s*[!=]==?|[!=]==?\s*\S*(adminToken|ADMIN_TOKEN)\b/);
      // Logging calls write fixed messages, request ids and errors: never a header, cookie, token or secret.
      for (const [, args] of text.matchAll(/console\.\w+\(([^\n]*)\)/g)) expect(args, file).not.toMatch(/secret|token|authorization|cookie|header/i);
    }
  });

  it("a revoked token stops working at once on the API, the MLflow facade and the UI", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("revoke"), role: "admin" } });
    await callJson("PATCH", `/v1/models/${model}`, 200, { token: created.secret, body: { description: "before revocation" } });
    await callJson("DELETE", `/v1/tokens/${created.id}`, 200);
    await callJson("PATCH", `/v1/models/${model}`, 401, { token: created.secret, body: { description: "after" } });
    expect((await call("GET", `/api/2.0/mlflow/registered-models/get?name=${model}`, { token: created.secret })).status).toBe(401);
    expect((await ui("GET", `/ui/models/${model}`, { session: created.secret })).status).toBe(303);
    expect((await callJson("GET", `/v1/models/${model}`, 200)).description).toBe("before revocation");
  });
});

describe("the UI's CSRF defence", () => {
  it("refuses a signed-in post without the session's CSRF token, or with another session's, and changes nothing", async () => {
    await moveRef(model, "Staging", 1);
    await moveRef(model, "Staging", 2);
    const path = `/ui/models/${model}/refs/Staging/rollback`;
    // Both browsers signed in before the attempts (sign-in writes its session).
    const otherCsrf = await csrfOf(tokens.admin);
    const ownCsrf = await csrfOf(ADMIN);
    const before = await tableCounts();
    const forms: Record<string, string>[] = [{ reason: "no token" }, { reason: "forged", _csrf: "x".repeat(43) }, { reason: "other session's", _csrf: otherCsrf }];
    for (const form of forms) {
      const res = await ui("POST", path, { session: ADMIN, form });
      expect(res.status, JSON.stringify(form)).toBe(403);
      expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    }
    // A form posted without Origin but marked cross-site by the browser is refused too.
    const crossSite = await exports.default.fetch(
      new Request(`${BASE}${path}`, {
        method: "POST",
        headers: { Cookie: `${SESSION}=${await uiSessionOf(ADMIN)}`, "Sec-Fetch-Site": "cross-site", "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ reason: "x", _csrf: ownCsrf }),
        redirect: "manual",
      }),
    );
    expect(crossSite.status).toBe(403);
    expect(await tableCounts()).toEqual(before);
    expect((await ui("POST", path, { session: ADMIN, form: { reason: "with the token", _csrf: await csrfOf(ADMIN) } })).status).toBe(303);
  });
});

describe("response headers", () => {
  it("X-Content-Type-Options: nosniff on every kind of answer", async () => {
    const broken = registryWith({ env: { DB: faultyD1(env.DB, () => true) } });
    const limited = registryWith({ env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: "1" } });
    const reader = tokens.reader;
    await limited.call("PATCH", `/v1/models/${model}`, { token: reader, body: {} });
    const artifact = `/v1/models/${model}/versions/2/artifacts/model.bin`;
    const etag = (await call("HEAD", artifact)).headers.get("ETag")!;
    const answers: [string, Response][] = [
      ["200", await call("GET", "/v1/ping")],
      ["HEAD", await call("HEAD", artifact)],
      ["artifact 200", await call("GET", artifact)],
      ["artifact 206", await call("GET", artifact, { headers: { Range: "bytes=0-9" } })],
      ["artifact 304", await call("GET", artifact, { headers: { "If-None-Match": etag } })],
      ["artifact 416", await call("GET", artifact, { headers: { Range: "bytes=999999-" } })],
      ["400", await call("POST", "/v1/models", { body: { name: "bad name" } })],
      ["401", await call("GET", "/v1/models", { token: null })],
      ["403", await call("POST", "/v1/tokens", { token: reader, body: {} })],
      ["404", await call("GET", "/v1/nowhere")],
      ["413", await call("POST", "/v1/models", { body: "x".repeat(MAX_JSON_BODY_BYTES + 1), headers: { "Content-Type": "application/json" } })],
      ["429", await limited.call("PATCH", `/v1/models/${model}`, { token: reader, body: {} })],
      ["500", await broken.call("PATCH", `/v1/models/${model}`, { body: {} })],
      ["openapi", await call("GET", "/openapi.json", { token: null })],
      ["docs", await call("GET", "/docs", { token: null })],
      ["mlflow 200", await call("GET", `/api/2.0/mlflow/registered-models/get?name=${model}`)],
      ["mlflow 404", await call("GET", "/api/2.0/mlflow/nothing")],
      ["ui login", await ui("GET", "/ui/login")],
      ["ui page", await ui("GET", `/ui/models/${model}`, { session: ADMIN })],
      ["ui redirect", await ui("GET", "/ui")],
      ["ui 403", await ui("GET", "/ui/audit", { session: reader })],
      ["ui 404", await ui("GET", "/ui/nothing", { session: ADMIN })],
      ["ui download", await ui("GET", `/ui/models/${model}/versions/2/artifacts/model.bin`, { session: ADMIN })],
    ];
    expect(answers.map(([what, res]) => [what, res.status, res.headers.get("X-Content-Type-Options")])).toEqual(
      answers.map(([what, res]) => [what, res.status, "nosniff"]),
    );
    expect(answers.find(([what]) => what === "429")![1].status).toBe(429);
    expect(answers.find(([what]) => what === "500")![1].status).toBe(500);
  });

  it("a strict Content-Security-Policy on every UI page, error pages and sign-in included", async () => {
    const pages = [
      await ui("GET", "/ui/login"),
      await ui("GET", "/ui", { session: ADMIN }),
      await ui("GET", `/ui/models/${model}`, { session: ADMIN }),
      await ui("GET", `/ui/models/${model}/versions/1`, { session: ADMIN }),
      await ui("GET", "/ui/audit", { session: ADMIN }),
      await ui("GET", "/ui/audit", { session: tokens.reader }),
      await ui("GET", "/ui/nothing", { session: ADMIN }),
    ];
    for (const page of pages) {
      expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
      const csp = page.headers.get("Content-Security-Policy") ?? "";
      const directives = Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      expect(directives["default-src"]).toEqual(["'none'"]);
      expect(directives["script-src"]).toEqual([expect.stringMatching(/^'nonce-[A-Za-z0-9+/=_-]+'$/)]);
      expect(directives["style-src"]).toEqual(["'self'"]);
      expect(directives["frame-ancestors"]).toEqual(["'none'"]);
      expect(directives["base-uri"]).toEqual(["'none'"]);
      expect(directives["form-action"]).toEqual(["'self'"]);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(page.headers.get("X-Frame-Options")).toBe("DENY");
      expect(page.headers.get("Cache-Control")).toBe("no-store");
    }
  });
});

describe("request size limits", () => {
  it("refuses JSON bodies over 1 MiB with 413 on every JSON route, whatever the model is called", async () => {
    const big = JSON.stringify({ semver: "9.0.0", description: "x".repeat(MAX_JSON_BODY_BYTES) });
    await createModel("artifacts");
    await createModel("uploads");
    for (const path of ["/v1/models/artifacts/versions", "/v1/models/uploads/versions", `/v1/models/${model}/versions`]) {
      const res = await call("POST", path, { body: big, headers: { "Content-Type": "application/json" } });
      expect(res.status, path).toBe(413);
      expect(((await res.json()) as any).error.code).toBe("PAYLOAD_TOO_LARGE");
    }
    const mlflow = await call("POST", "/api/2.0/mlflow/registered-models/create", { body: big, headers: { "Content-Type": "application/json" } });
    expect(mlflow.status).toBe(400);
    expect(((await mlflow.json()) as any).error_code).toBe("INVALID_PARAMETER_VALUE");
    const form = await ui("POST", "/ui/logout", { session: ADMIN, form: { _csrf: "x".repeat(70_000) } });
    expect(form.status).toBe(413);
  });

  it("caps artifact bodies at their declared size: a larger Content-Length is refused unread, a longer stream stores nothing", async () => {
    const name = uniqueName("cap");
    await createModel(name);
    const bytes = artifactBytes(1000, 22);
    await createVersion(name, "1.0.0", { artifacts: [{ path: "a.bin", size: 1000, sha256: await sha256Hex(bytes) }] });
    const declaredLength = await call("PUT", `/v1/models/${name}/versions/1/artifacts/a.bin`, {
      body: new Uint8Array(5000),
      headers: { "Content-Length": "5000" },
    });
    expect(declaredLength.status).toBe(422);
    expect(((await declaredLength.json()) as any).error.details).toMatchObject({ reason: "size_mismatch", expected_size: 1000, received_size: 5000 });
    const longer = new Uint8Array(3000);
    longer.set(bytes);
    const streamed = await call("PUT", `/v1/models/${name}/versions/1/artifacts/a.bin`, {
      body: new ReadableStream({ start: (c) => (c.enqueue(longer), c.close()) }),
    });
    expect(streamed.status).toBe(422);
    expect(await env.ARTIFACTS.head(`blobs/sha256/${await sha256Hex(bytes)}`)).toBeNull();
    expect((await callJson("GET", `/v1/models/${name}/versions/1`, 200)).status).toBe("PENDING");
  });
});

describe("the per-token rate limit on mutations", () => {
  const minute = Math.ceil(Date.now() / 60_000) * 60_000;
  const limited = () => registryWith({ startMs: minute + 10_000, env: { RATE_LIMIT_MUTATIONS_PER_MINUTE: "3" } });

  it("refuses a token's mutations past the limit with 429 and Retry-After, changing nothing; reads go on", async () => {
    const r = limited();
    const publisher = await tokenFor("publisher");
    for (let i = 0; i < 3; i++) await r.callJson("POST", "/v1/models", 201, { token: publisher, body: { name: uniqueName("rl") } });
    const before = await tableCounts();
    const refused = await r.call("POST", "/v1/models", { token: publisher, body: { name: uniqueName("rl") } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("50");
    expect(await refused.json()).toEqual({
      error: { code: "RATE_LIMITED", message: expect.stringContaining("3 changes a minute"), details: { limit: 3, window_seconds: 60, retry_after: 50 } },
    });
    // Only the window's counter moved.
    expect(await tableCounts()).toEqual(before);
    await r.callJson("GET", "/v1/models", 200, { token: publisher });
    // The MLflow facade answers in its own words.
    const mlflow = await r.call("POST", "/api/2.0/mlflow/registered-models/create", { token: publisher, body: { name: uniqueName("rl") } });
    expect(mlflow.status).toBe(429);
    expect(await mlflow.json()).toEqual({ error_code: "REQUEST_LIMIT_EXCEEDED", message: expect.any(String) });

    // Other tokens have their own budget; the bootstrap admin has none; an unknown token is simply unauthenticated.
    await r.callJson("POST", "/v1/models", 201, { token: await tokenFor("publisher"), body: { name: uniqueName("rl") } });
    for (let i = 0; i < 5; i++) await r.callJson("PATCH", `/v1/models/${model}`, 200, { body: { description: `bootstrap ${i}` } });
    await r.callJson("POST", "/v1/models", 401, { token: "er_unknown-token", body: { name: uniqueName("rl") } });

    r.advance(50);
    await r.callJson("POST", "/v1/models", 201, { token: publisher, body: { name: uniqueName("rl") } });
  });

  it("counts concurrent requests exactly: with 3 allowed, 10 at once let exactly 3 through", async () => {
    const r = limited();
    const admin = await tokenFor("admin");
    const statuses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => r.call("PATCH", `/v1/models/${model}`, { token: admin, body: { tags: { [`k${i}`]: "v" } } }).then((res) => res.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it("covers the UI's actions, which act with the session's token", async () => {
    const r = limited();
    const admin = await tokenFor("admin");
    const csrf = await csrfOf(admin);
    const cookie = await uiSessionOf(admin);
    const post = () =>
      r.call("POST", `/ui/models/${model}/refs/nothing/rollback`, {
        token: null,
        body: new URLSearchParams({ reason: "r", _csrf: csrf }).toString(),
        headers: { Origin: BASE, Cookie: `${SESSION}=${cookie}`, "Content-Type": "application/x-www-form-urlencoded" },
      });
    for (let i = 0; i < 3; i++) expect((await post()).status).not.toBe(429);
    expect((await post()).status).toBe(429);
  });

  it("drops finished windows on the cron trigger", async () => {
    const r = limited();
    await r.callJson("PATCH", `/v1/models/${model}`, 200, { token: await tokenFor("admin"), body: {} });
    const windows = () => env.DB.prepare("SELECT COUNT(*) AS n FROM rate_limits WHERE window_start <= ?").bind(minute).first<{ n: number }>();
    expect((await windows())!.n).toBeGreaterThan(0);
    r.advance(120);
    await r.cron();
    expect((await windows())!.n).toBe(0);
  });
});
