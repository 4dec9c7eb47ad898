/** login, tokens and the audit log. */
import type { Command } from "commander";
import type { Token } from "../../src/client";
import { parseSince } from "../args";
import { checkUrl, readConfigFile, writeConfigFile } from "../config";
import { cliClient } from "../context";
import { UsageError } from "../errors";
import { fields, morePages, table } from "../output";
import type { Action } from "./action";
import { pageOptions, pages, type PageFlags } from "./pages";

export function registerAdmin(program: Command, action: Action) {
  program
    .command("login")
    .description("check a token against the registry and save URL and token in the config file (mode 0600)")
    .option("--token-stdin", "read the token from standard input instead of --token or EDGEREG_TOKEN")
    .action(
      action(async (ctx, flags: { tokenStdin?: boolean }) => {
        const file = readConfigFile(ctx.configPath);
        const url = ctx.options.url ?? ctx.io.env.EDGEREG_URL ?? file.url;
        if (!url) throw new UsageError("give the registry with --url (or EDGEREG_URL)");
        const token = flags.tokenStdin ? (await readAll(ctx.io.stdin)).trim() : (ctx.options.token ?? ctx.io.env.EDGEREG_TOKEN);
        if (!token) throw new UsageError("give the token with --token, --token-stdin or EDGEREG_TOKEN");
        const origin = checkUrl(url);
        // Any valid token may list models (a scoped one sees its own), so this proves the token without side effects.
        await cliClient(origin, token).GET("/v1/models", { params: { query: { limit: 1 } } });
        writeConfigFile(ctx.configPath, { url: origin, token });
        ctx.out.result({ url: origin, config: ctx.configPath }, (r) => `logged in to ${r.url}; saved in ${r.config}`);
      }),
    );

  const tokens = program.command("tokens").description("API tokens (needs an unscoped admin token)");
  tokens
    .command("create")
    .description("create a token; its secret is printed once")
    .argument("<name>", "a label, e.g. ci-github")
    .requiredOption("--role <role>", "reader, reporter (serving: + observations), publisher (CI) or admin")
    .option("--model-glob <glob>", "limit the token to models matching this glob (* and ?)")
    .option("--expires-at <time>", "ISO-8601 UTC expiry, e.g. 2027-01-01T00:00:00Z")
    .action(
      action(async (ctx, name: string, flags: { role: string; modelGlob?: string; expiresAt?: string }) => {
        const created = await ctx.client().POST("/v1/tokens", {
          body: { name, role: flags.role as Token["role"], model_glob: flags.modelGlob, expires_at: flags.expiresAt },
        });
        ctx.out.result(created, (t) => `${humanToken(t)}\nsecret:      ${t.secret}\n\nThe secret is shown once; store it now.`);
      }),
    );
  pageOptions(tokens.command("list").description("tokens, newest first (never their secrets)").option("--include-revoked", "list revoked tokens too")).action(
    action(async (ctx, flags: PageFlags & { includeRevoked?: boolean }) => {
      const client = ctx.client();
      const page = await pages(flags, (query) =>
        client.GET("/v1/tokens", { params: { query: { ...query, include_revoked: flags.includeRevoked ? "true" : undefined } } }),
      );
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no tokens"
          : table(p.items, [
              ["ID", (t) => t.id],
              ["NAME", (t) => t.name],
              ["ROLE", (t) => t.role],
              ["MODELS", (t) => t.model_glob],
              ["LAST USED", (t) => t.last_used_at],
              ["EXPIRES", (t) => t.expires_at],
              ["REVOKED", (t) => t.revoked_at],
            ]) + morePages(p.next_cursor),
      );
    }),
  );
  tokens
    .command("revoke")
    .description("revoke a token; it stops working at once")
    .argument("<id>")
    .action(
      action(async (ctx, id: string) => {
        const revoked = await ctx.client().DELETE("/v1/tokens/{id}", { params: { path: { id } } });
        ctx.out.result(revoked, (t) => `revoked ${t.name} (${t.id}) at ${t.revoked_at}`);
      }),
    );

  pageOptions(
    program
      .command("audit")
      .description("who did what, when and why — newest first")
      .option("--model <name>", "events of one model")
      .option("--actor <actor>", "events by one actor")
      .option("--action <action>", "an exact action, or a family such as ref.*")
      .option("--since <time>", "from this time: ISO-8601 (2026-05-01T12:00:00Z) or a span back from now (90m, 24h, 7d)", parseSince("--since"))
      .option("--until <time>", "up to this time: ISO-8601 or a span back from now", parseSince("--until")),
  ).action(
    action(async (ctx, flags: PageFlags & { model?: string; actor?: string; action?: string; since?: string; until?: string }) => {
      const client = ctx.client();
      const filter = { model: flags.model, actor: flags.actor, action: flags.action, since: flags.since, until: flags.until };
      const page = await pages(flags, (query) => client.GET("/v1/audit", { params: { query: { ...query, ...filter } } }));
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no events"
          : table(p.items, [
              ["AT", (e) => e.at],
              ["ACTOR", (e) => e.actor],
              ["ACTION", (e) => e.action],
              ["MODEL", (e) => e.model],
              ["VERSION", (e) => e.version],
              ["REF", (e) => e.ref],
              ["REASON", (e) => e.reason],
            ]) + morePages(p.next_cursor),
      );
    }),
  );
}

function humanToken(t: Token): string {
  return fields([
    ["id", t.id],
    ["name", t.name],
    ["role", t.role],
    ["models", t.model_glob],
    ["expires", t.expires_at],
  ]);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text;
}
