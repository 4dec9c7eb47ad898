/** Webhooks: subscriptions to registry events and their delivery log (an unscoped admin's to manage). */
import type { Command } from "commander";
import type { components } from "../../src/client";
import { collect } from "../args";
import { fields, morePages, table } from "../output";
import type { Action } from "./action";
import { pageOptions, pages, type PageFlags } from "./pages";

type Webhook = components["schemas"]["Webhook"];
type EventName = components["schemas"]["WebhookCreate"]["events"][number];

export function registerWebhooks(program: Command, action: Action) {
  const webhooks = program.command("webhooks").description("POST registry events to a URL, signed with a secret shown once");

  webhooks
    .command("create")
    .description("subscribe a URL to events; the signing secret is printed once")
    .argument("<url>", "where deliveries are POSTed")
    .requiredOption("--event <type>", 'an event type (e.g. stage.changed, auto_rollback, drift.detected) or "*"; repeat for several', collect)
    .option("--model <glob>", "a model name or glob (default: every model)")
    .option("--description <text>", "what the subscription is for")
    .action(
      action(async (ctx, url: string, flags: { event: string[]; model?: string; description?: string }) => {
        const created = await ctx.client().POST("/v1/webhooks", {
          body: { url, events: flags.event as EventName[], model: flags.model, description: flags.description },
        });
        ctx.out.result(
          created,
          (w) => `${humanWebhook(w)}\nsecret:      ${w.secret}\n\nThe secret is shown once: deliveries carry X-Edgereg-Signature: sha256=HMAC-SHA256(secret, body).`,
        );
      }),
    );

  pageOptions(webhooks.command("list").description("webhooks, newest first (never their secrets)").option("--include-deleted", "list deleted webhooks too")).action(
    action(async (ctx, flags: PageFlags & { includeDeleted?: boolean }) => {
      const client = ctx.client();
      const page = await pages(flags, (query) =>
        client.GET("/v1/webhooks", { params: { query: { ...query, include_deleted: flags.includeDeleted ? "true" : undefined } } }),
      );
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no webhooks"
          : table(p.items, [
              ["ID", (w) => w.id],
              ["URL", (w) => w.url],
              ["EVENTS", (w) => w.events],
              ["MODELS", (w) => w.model],
              ["CREATED", (w) => w.created_at],
              ["DELETED", (w) => w.deleted_at],
            ]) + morePages(p.next_cursor),
      );
    }),
  );

  webhooks
    .command("show")
    .description("one webhook")
    .argument("<id>")
    .action(
      action(async (ctx, id: string) => {
        ctx.out.result(await ctx.client().GET("/v1/webhooks/{id}", { params: { path: { id } } }), humanWebhook);
      }),
    );

  webhooks
    .command("delete")
    .description("delete a webhook: deliveries stop at once, its log stays readable")
    .argument("<id>")
    .action(
      action(async (ctx, id: string) => {
        const deleted = await ctx.client().DELETE("/v1/webhooks/{id}", { params: { path: { id } } });
        ctx.out.result(deleted, (w) => `deleted webhook ${w.id} (${w.url}) at ${w.deleted_at}`);
      }),
    );

  pageOptions(webhooks.command("deliveries").description("the delivery log: every event sent to the webhook and each attempt, newest first").argument("<id>")).action(
    action(async (ctx, id: string, flags: PageFlags) => {
      const client = ctx.client();
      const page = await pages(flags, (query) => client.GET("/v1/webhooks/{id}/deliveries", { params: { path: { id }, query } }));
      ctx.out.result(page, (p) =>
        p.items.length === 0
          ? "no deliveries"
          : table(p.items, [
              ["ID", (d) => d.id],
              ["EVENT", (d) => d.event],
              ["MODEL", (d) => d.model],
              ["STATUS", (d) => d.status],
              ["ATTEMPTS", (d) => d.attempts.length],
              ["LAST", (d) => lastAttempt(d.attempts)],
              ["NEXT ATTEMPT", (d) => d.next_attempt_at],
            ]) + morePages(p.next_cursor),
      );
    }),
  );

  webhooks
    .command("redeliver")
    .description("send one delivery again (the receiver sees the same X-Edgereg-Delivery id, its idempotency key)")
    .argument("<id>", "the webhook")
    .argument("<delivery>", "the delivery, from `edgereg webhooks deliveries`")
    .action(
      action(async (ctx, id: string, delivery: string) => {
        const again = await ctx.client().POST("/v1/webhooks/{id}/deliveries/{delivery}/redeliver", { params: { path: { id, delivery } } });
        ctx.out.result(again, (d) => `delivery ${d.id} (${d.event}) is ${d.status} again`);
      }),
    );

  webhooks
    .command("replay")
    .description("send again every dead letter of a webhook whose event was recorded in [--since, --until)")
    .argument("<id>", "the webhook")
    .requiredOption("--since <time>", "ISO-8601 time, inclusive")
    .requiredOption("--until <time>", "ISO-8601 time, exclusive")
    .action(
      action(async (ctx, id: string, flags: { since: string; until: string }) => {
        const replayed = await ctx.client().POST("/v1/webhooks/{id}/deliveries/replay", { params: { path: { id } }, body: { since: flags.since, until: flags.until } });
        ctx.out.result(replayed, (r) => `replayed ${r.replayed} dead letter(s)${r.more ? "; more remain in that range: run it again" : ""}`);
      }),
    );
}

function lastAttempt(attempts: { at: string; status: number | null; error: string | null }[]): string | null {
  const last = attempts[attempts.length - 1];
  if (!last) return null;
  return `${last.at} ${last.status ?? ""}${last.error ? ` ${last.error}` : ""}`.trim();
}

function humanWebhook(w: Webhook): string {
  return fields([
    ["id", w.id],
    ["url", w.url],
    ["events", w.events],
    ["models", w.model],
    ["description", w.description],
    ["created", `${w.created_at} by ${w.created_by}`],
    ["deleted", w.deleted_at],
  ]);
}
