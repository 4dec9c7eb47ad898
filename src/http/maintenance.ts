/** What the cron trigger's clean-up will collect, for admins to see before it happens (README, "Reliability and security"). */
import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { contextOf } from "../registry/context";
import { listOrphans } from "../registry/orphans";
import { errorsFor, json, router } from "./openapi";
import { Sha256 } from "./schemas";

export const maintenance = router();

const MAX_UPLOADS = 200;

const OrphanedUpload = z
  .object({
    id: z.string(),
    model: z.string(),
    version: z.number(),
    path: z.string(),
    sha256: Sha256,
    size: z.number(),
    parts: z.number().openapi({ description: "Parts R2 keeps for it" }),
    created_at: z.string(),
    updated_at: z.string().openapi({ description: "Its last part or call" }),
    collect_after: z.string().openapi({ description: "When the cron trigger aborts it" }),
  })
  .openapi("OrphanedUpload");

const OrphanedBlob = z
  .object({
    sha256: Sha256,
    size: z.number(),
    uploaded_at: z.string(),
    collect_after: z.string().openapi({ description: "When the cron trigger deletes it, if still unreferenced" }),
  })
  .openapi("OrphanedBlob");

maintenance.openapi(
  createRoute({
    method: "get",
    path: "/v1/maintenance/orphans",
    tags: ["maintenance"],
    summary: "Orphaned multipart uploads and unreferenced blobs",
    description:
      "uploads: open multipart sessions idle past the upload expiry (they can no longer complete; R2 keeps their parts), " +
      `oldest first, at most ${MAX_UPLOADS}. blobs: objects under blobs/sha256/ that no verified artifact names, among the ` +
      "`limit` objects scanned from `cursor` in sha256 order; page on with next_cursor. The cron trigger aborts and deletes " +
      "them once ORPHAN_GRACE_HOURS have passed (collect_after), auditing each as upload.expire or blob.delete.",
    middleware: [requireRole("admin", { unscoped: true })],
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(1000).default(1000).openapi({ description: "Blobs to scan, 1–1000" }),
        cursor: z.string().max(2048).optional().openapi({ description: "next_cursor from the previous page" }),
      }),
    },
    responses: {
      200: json(
        z
          .object({
            now: z.string(),
            grace_hours: z.number(),
            uploads: z.array(OrphanedUpload),
            blobs: z.array(OrphanedBlob),
            scanned: z.number().openapi({ description: "Blobs scanned on this page" }),
            next_cursor: z.string().nullable(),
          })
          .openapi("Orphans"),
        "What the clean-up will collect",
      ),
      ...errorsFor(400, 401, 403),
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const orphans = await listOrphans(await contextOf(c), c.env.ARTIFACTS, c.env.ORPHAN_GRACE_HOURS, { uploads: MAX_UPLOADS, blobs: { cursor, limit } });
    return c.json(orphans, 200);
  },
);
