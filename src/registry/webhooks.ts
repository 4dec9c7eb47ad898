/**
 * Webhook subscriptions: a webhook sees events of every model its glob matches, so like tokens they are an unscoped
 * admin's to create, delete and inspect. The signing secret is shown once, in the answer to create.
 */
import { authorize } from "../auth/principal";
import { badRequest } from "../domain/errors";
import { webhookTargetProblem } from "../domain/webhook-targets";
import type { Page, Paged } from "../store/pagination";
import * as store from "../store/webhooks";
import type { CommandContext } from "./context";

export type { DeliveryView, WebhookView } from "../store/webhooks";

export interface CreateWebhookInput {
  url: string;
  events: string[];
  /** A model name or glob; every model when absent. */
  model?: string;
  description?: string;
}

type Reader = Pick<CommandContext, "db" | "principal">;

const authorizeAdmin = (ctx: Reader) => authorize(ctx.principal, "admin", undefined, { unscoped: true });

export async function createWebhook(ctx: CommandContext, input: CreateWebhookInput): Promise<store.WebhookView & { secret: string }> {
  authorizeAdmin(ctx);
  const problem = webhookTargetProblem(input.url, { allowPrivate: ctx.deliveryPolicy.allowPrivateTargets });
  if (problem) throw badRequest(problem, { field: "url" });
  return store.createWebhook(ctx, input);
}

/** Deliveries stop at once (pending retries included); the webhook and its delivery log stay readable. */
export async function deleteWebhook(ctx: CommandContext, id: string): Promise<store.WebhookView> {
  authorizeAdmin(ctx);
  return store.deleteWebhook(ctx, id);
}

export async function listWebhooks(ctx: Reader, page: Page, includeDeleted: boolean): Promise<Paged<store.WebhookView>> {
  authorizeAdmin(ctx);
  return store.listWebhooks(ctx.db, page, includeDeleted);
}

export async function getWebhook(ctx: Reader, id: string): Promise<store.WebhookView> {
  authorizeAdmin(ctx);
  return store.getWebhook(ctx.db, id);
}

export async function listDeliveries(ctx: Reader, webhookId: string, page: Page): Promise<Paged<store.DeliveryView>> {
  authorizeAdmin(ctx);
  return store.listDeliveries(ctx.db, webhookId, page);
}
