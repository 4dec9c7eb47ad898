/**
 * One rulebook behind every door: each mutation a door offers is performed through every door that offers it
 * (/v1, the UI's form posts, the MLflow facade) by every role, on identical fresh models. The outcome (allowed or
 * refused), the audit events (action, actor, before, after) and the webhook events must be the same whichever door
 * was used: a difference means a door applies a rule of its own.
 */
import { describe, expect, it } from "vitest";
import type { Role } from "../src/auth/principal";
import { BASE, clockedRegistry, uiSessionOf, uniqueName } from "./helpers";

type Registry = ReturnType<typeof clockedRegistry>;
type Door = "v1" | "ui" | "mlflow";
const ROLES: Role[] = ["reader", "reporter", "publisher", "admin"];

interface Mutation {
  name: string;
  /** Brings a fresh model to the state the mutation starts from (as the bootstrap admin). */
  setup(r: Registry, model: string): Promise<void>;
  /** Each door's way of asking for the same change; answers the HTTP status. */
  doors: Partial<Record<Door, (r: Registry, model: string, token: string) => Promise<number>>>;
  /** The role the mutation needs: lower roles are refused, this one and higher succeed. */
  needs: Role;
}

const json = async (r: Registry, method: string, path: string, token: string, body?: unknown) => {
  const res = await r.call(method, path, { token, body });
  await res.body?.cancel();
  return res.status;
};

const mlflow = (method: string, endpoint: string, body: Record<string, unknown>) => (r: Registry, _model: string, token: string) =>
  json(r, method, `/api/2.0/mlflow/${endpoint}`, token, body);

/** A form post from a signed-in UI session: the page's CSRF token, the browser's Origin, and the session cookie. */
async function form(r: Registry, path: string, token: string, fields: Record<string, string>): Promise<number> {
  const session = await uiSessionOf(token);
  if (!session) return 401;
  const cookie = `__Host-edgereg_session=${session}`;
  const page = await r.call("GET", "/ui", { token: null, headers: { Cookie: cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
  const res = await r.call("POST", path, {
    token: null,
    headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
  });
  await res.body?.cancel();
  return res.status;
}

const versions = (count: number) => async (r: Registry, model: string) => {
  for (let v = 1; v <= count; v++) {
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: `1.${v - 1}.0`, metrics: { accuracy: 0.8 + v / 100 } } });
  }
};

/** Versions 1 and 2; 1 went through Staging into Production, 2 waits in Staging. */
const production = async (r: Registry, model: string) => {
  await versions(2)(r, model);
  await r.callJson("PUT", `/v1/models/${model}/refs/Staging`, 200, { body: { version: 1 } });
  await r.callJson("PUT", `/v1/models/${model}/refs/Production`, 200, { body: { version: 1 } });
  await r.callJson("PUT", `/v1/models/${model}/refs/Staging`, 200, { body: { version: 2 } });
};

/** Production serves 1 with a canary of 2 at 10%. */
const canary = async (r: Registry, model: string) => {
  await production(r, model);
  await r.callJson("PUT", `/v1/models/${model}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 10, reason: "canary" } });
};

const MUTATIONS: Mutation[] = [
  {
    name: "update a model's description",
    needs: "publisher",
    setup: async () => {},
    doors: {
      v1: (r, m, t) => json(r, "PATCH", `/v1/models/${m}`, t, { description: "v2 features" }),
      mlflow: (r, m, t) => mlflow("PATCH", "registered-models/update", { name: m, description: "v2 features" })(r, m, t),
    },
  },
  {
    name: "update a version's description",
    needs: "publisher",
    setup: versions(1),
    doors: {
      v1: (r, m, t) => json(r, "PATCH", `/v1/models/${m}/versions/1`, t, { description: "reviewed" }),
      mlflow: (r, m, t) => mlflow("PATCH", "model-versions/update", { name: m, version: "1", description: "reviewed" })(r, m, t),
    },
  },
  {
    name: "move a version into Staging",
    needs: "publisher",
    setup: versions(1),
    doors: {
      v1: (r, m, t) => json(r, "POST", `/v1/models/${m}/versions/1/stage`, t, { stage: "Staging", reason: "" }),
      mlflow: (r, m, t) => mlflow("POST", "model-versions/transition-stage", { name: m, version: "1", stage: "Staging", archive_existing_versions: false })(r, m, t),
    },
  },
  {
    name: "promote a staged version to Production",
    needs: "admin",
    setup: production,
    doors: {
      v1: (r, m, t) => json(r, "POST", `/v1/models/${m}/versions/2/stage`, t, { stage: "Production", reason: "" }),
      mlflow: (r, m, t) => mlflow("POST", "model-versions/transition-stage", { name: m, version: "2", stage: "Production", archive_existing_versions: false })(r, m, t),
    },
  },
  {
    name: "set an alias",
    needs: "admin",
    setup: versions(1),
    doors: {
      v1: (r, m, t) => json(r, "PUT", `/v1/models/${m}/refs/champion`, t, { version: 1 }),
      mlflow: (r, m, t) => mlflow("POST", "registered-models/alias", { name: m, alias: "champion", version: "1" })(r, m, t),
    },
  },
  {
    name: "delete an alias",
    needs: "admin",
    setup: async (r, m) => {
      await versions(1)(r, m);
      await r.callJson("PUT", `/v1/models/${m}/refs/champion`, 200, { body: { version: 1 } });
    },
    doors: {
      v1: (r, m, t) => json(r, "DELETE", `/v1/models/${m}/refs/champion`, t),
      mlflow: (r, m, t) => mlflow("DELETE", "registered-models/alias", { name: m, alias: "champion" })(r, m, t),
    },
  },
  {
    name: "delete a version that holds no ref",
    needs: "publisher",
    setup: versions(2),
    doors: {
      v1: (r, m, t) => json(r, "DELETE", `/v1/models/${m}/versions/1?reason=deleted+through+MLflow`, t),
      mlflow: (r, m, t) => mlflow("DELETE", "model-versions/delete", { name: m, version: "1" })(r, m, t),
    },
  },
  {
    name: "delete the version in Staging",
    needs: "admin",
    setup: production,
    doors: {
      v1: (r, m, t) => json(r, "DELETE", `/v1/models/${m}/versions/2?reason=deleted+through+MLflow`, t),
      mlflow: (r, m, t) => mlflow("DELETE", "model-versions/delete", { name: m, version: "2" })(r, m, t),
    },
  },
  {
    name: "delete a model",
    needs: "publisher",
    setup: versions(2),
    doors: {
      v1: (r, m, t) => json(r, "DELETE", `/v1/models/${m}?reason=deleted+through+MLflow`, t),
      mlflow: (r, m, t) => mlflow("DELETE", "registered-models/delete", { name: m })(r, m, t),
    },
  },
  {
    name: "roll Production back",
    needs: "admin",
    setup: async (r, m) => {
      await production(r, m);
      await r.callJson("PUT", `/v1/models/${m}/refs/Production`, 200, { body: { version: 2 } });
    },
    doors: {
      v1: (r, m, t) => json(r, "POST", `/v1/models/${m}/refs/Production/rollback`, t, { reason: "p99 up" }),
      ui: (r, m, t) => form(r, `/ui/models/${m}/refs/Production/rollback`, t, { reason: "p99 up" }),
    },
  },
  {
    name: "start a rollout",
    needs: "admin",
    setup: production,
    doors: {
      v1: (r, m, t) => json(r, "PUT", `/v1/models/${m}/rollouts/Production`, t, { candidate_version: 2, steps: [5, 50, 100], reason: "May retrain" }),
      ui: (r, m, t) => form(r, `/ui/models/${m}/rollouts`, t, { ref: "Production", candidate: "2", weights: "5, 50, 100", reason: "May retrain" }),
    },
  },
  {
    name: "change a rollout's weight",
    needs: "admin",
    setup: canary,
    doors: {
      v1: (r, m, t) => json(r, "PATCH", `/v1/models/${m}/rollouts/Production`, t, { weight: 50, reason: "flat errors" }),
      ui: (r, m, t) => form(r, `/ui/models/${m}/rollouts/Production/weight`, t, { weight: "50", reason: "flat errors" }),
    },
  },
  {
    name: "promote a rollout",
    needs: "admin",
    setup: canary,
    doors: {
      v1: (r, m, t) => json(r, "POST", `/v1/models/${m}/rollouts/Production/promote`, t, { reason: "green" }),
      ui: (r, m, t) => form(r, `/ui/models/${m}/rollouts/Production/promote`, t, { reason: "green" }),
    },
  },
  {
    name: "abort a rollout",
    needs: "admin",
    setup: canary,
    doors: {
      v1: (r, m, t) => json(r, "POST", `/v1/models/${m}/rollouts/Production/abort`, t, { reason: "p99 up" }),
      ui: (r, m, t) => form(r, `/ui/models/${m}/rollouts/Production/abort`, t, { reason: "p99 up" }),
    },
  },
];

const RANK: Record<Role, number> = { reader: 0, reporter: 1, publisher: 2, admin: 3 };

/** What a change left behind, with what differs by nature between two models (names, ids, salts, times) masked. */
function normalized(value: unknown, model: string): unknown {
  if (typeof value === "string") return value.split(model).join("<model>");
  if (Array.isArray(value)) return value.map((v) => normalized(v, model));
  if (value && typeof value === "object") {
    const masked = new Set(["id", "rollout_id", "salt", "at", "created_at", "updated_at", "ended_at", "request_id", "event_id", "delivery_id"]);
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !masked.has(k))
        .map(([k, v]) => [k, normalized(v, model)]),
    );
  }
  return value;
}

interface Trace {
  allowed: boolean;
  status: number;
  audit: unknown[];
  events: unknown[];
}

/** Runs one door's request on a fresh model and records what it changed and announced. */
async function trace(r: Registry, mutation: Mutation, door: Door, role: Role, tokens: Record<Role, string>): Promise<Trace> {
  const model = uniqueName(`parity-${door}`);
  const box = uniqueName("box").toLowerCase();
  await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
  await mutation.setup(r, model);
  await r.callJson("POST", "/v1/webhooks", 201, { body: { url: `https://${box}.hooks.test/`, events: ["*"], model } });
  const before = (await r.callJson("GET", `/v1/audit?model=${model}&limit=200`, 200)).items.length;
  const status = await mutation.doors[door]!(r, model, tokens[role]);
  const events = (await r.callJson("GET", `/v1/audit?model=${model}&limit=200`, 200)).items.reverse().slice(before);
  const received = ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as { body: string }[]).map((d) => JSON.parse(d.body));
  return {
    allowed: status < 400,
    status,
    audit: events.map((e: any) => normalized({ action: e.action, actor: e.actor, version: e.version, ref: e.ref, before: e.before, after: e.after }, model)),
    events: received.map((e) => normalized({ type: e.type, data: e.data }, model)),
  };
}

describe("every door applies the same rulebook", () => {
  const r = clockedRegistry();
  const tokens = {} as Record<Role, string>;

  it.each(MUTATIONS.map((m) => [m.name, m] as const))("%s: same outcome, audit and events through each door, for every role", async (_name, mutation) => {
    if (!tokens.admin) {
      for (const role of ROLES) {
        tokens[role] = (await r.callJson("POST", "/v1/tokens", 201, { body: { name: `parity-${role}`, role } })).secret;
      }
    }
    const doors = Object.keys(mutation.doors) as Door[];
    expect(doors.length, "a parity row needs two doors").toBeGreaterThan(1);
    for (const role of ROLES) {
      const traces = [] as [Door, Trace][];
      for (const door of doors) traces.push([door, await trace(r, mutation, door, role, tokens)]);
      const shouldPass = RANK[role] >= RANK[mutation.needs];
      for (const [door, t] of traces) {
        expect(t.allowed, `${mutation.name} via ${door} as ${role} answered ${t.status}`).toBe(shouldPass);
        if (!shouldPass) expect([403, 303], `${door} refuses ${role} with 403 (the UI may send it to sign in)`).toContain(t.status);
        if (!shouldPass) expect(t.audit, `${door} as ${role} changed nothing`).toEqual([]);
        if (shouldPass) expect(t.audit.length, `${door} as ${role} wrote its audit event`).toBeGreaterThan(0);
      }
      const [firstDoor, first] = traces[0]!;
      for (const [door, t] of traces.slice(1)) {
        expect(t.audit, `audit via ${door} equals audit via ${firstDoor} (${role})`).toEqual(first.audit);
        expect(t.events, `webhook events via ${door} equal those via ${firstDoor} (${role})`).toEqual(first.events);
      }
    }
  }, 120_000);
});
