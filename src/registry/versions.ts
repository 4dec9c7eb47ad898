/**
 * Versions: the commands that create, update and archive them (the semver rule, the batch with its audit event, the
 * `version.created` / `version.ready` events), and the reads every door presents. A command authorizes its caller
 * first: publisher, within the token's model scope.
 */
import { authorize, hasRole } from "../auth/principal";
import type { VersionKey } from "../domain/versions";
import { lookupFor as modelLookupFor, requireModel } from "../store/models";
import type { Page, Paged } from "../store/pagination";
import * as store from "../store/versions";
import type { CommandContext } from "./context";
import { versionCreatedEvents } from "./events";
import { assertSemverRule } from "./semver";

export { deleteVersion, restoreVersion } from "./deletion";
export type {
  ArtifactView,
  Dataset,
  DeclaredArtifact,
  NewVersion,
  Params,
  Signature,
  SignatureField,
  VersionFilter,
  VersionPatch,
  VersionRow,
  VersionView,
} from "../store/versions";

/** What a read needs: who asks (role and scope) and the origin for artifact URLs. */
export type ReadContext = Pick<CommandContext, "db" | "principal" | "baseUrl">;

export async function createVersion(ctx: CommandContext, modelName: string, input: store.NewVersion): Promise<store.VersionView> {
  // Choosing a number is for imports that keep another registry's numbering; anyone else takes the next one.
  authorize(ctx.principal, input.number === undefined ? "publisher" : "admin", modelName);
  const model = await requireModel(ctx.db, modelName);
  await assertSemverRule(ctx.db, model, input);
  const created = await store.createVersion(ctx, model, input, ctx.baseUrl);
  ctx.emit(...versionCreatedEvents(created));
  return created;
}

/**
 * Creates a version whose semver is `0.0.0-PRERELEASE.N` with N its own number (MLflow's creations without a
 * semver), assigned atomically so concurrent creations never conflict.
 */
export async function createVersionNumberedAs(
  ctx: CommandContext,
  modelName: string,
  prerelease: string,
  input: Omit<store.NewVersion, "semver">,
): Promise<store.VersionView> {
  authorize(ctx.principal, "publisher", modelName);
  const model = await requireModel(ctx.db, modelName);
  // The rule judges the semver the version gets unless a concurrent creation takes that number first; such
  // creations differ only in their prerelease number, which no signature rule distinguishes.
  const expected = `0.0.0-${prerelease}.${(await store.highestVersionNumber(ctx.db, model)) + 1}`;
  await assertSemverRule(ctx.db, model, { semver: expected, signature: input.signature });
  const created = await store.createVersionNumberedAs(ctx, model, prerelease, input, ctx.baseUrl);
  ctx.emit(...versionCreatedEvents(created));
  return created;
}

/**
 * Description, tags, appended metrics and the archived flag; archiving (`archived: true`) is refused while the
 * version serves a stage or a rollout and is audited as `version.archive`.
 */
export async function updateVersion(
  ctx: CommandContext,
  modelName: string,
  key: VersionKey,
  patch: store.VersionPatch,
): Promise<store.VersionView> {
  authorize(ctx.principal, "publisher", modelName);
  const model = await requireModel(ctx.db, modelName);
  return store.updateVersion(ctx, model, key, patch, ctx.baseUrl);
}

// ---- reads ----

const lookupFor = (ctx: ReadContext) => modelLookupFor(hasRole(ctx.principal, "admin"));

export async function getVersion(ctx: ReadContext, modelName: string, key: VersionKey): Promise<store.VersionView> {
  authorize(ctx.principal, "reader", modelName);
  const model = await requireModel(ctx.db, modelName, lookupFor(ctx));
  return store.getVersionView(ctx.db, model, key, ctx.baseUrl, lookupFor(ctx));
}

export async function listVersions(
  ctx: ReadContext,
  modelName: string,
  filter: store.VersionFilter,
  page: Page,
): Promise<Paged<store.VersionView>> {
  authorize(ctx.principal, filter.deleted ? "admin" : "reader", modelName);
  const model = await requireModel(ctx.db, modelName, lookupFor(ctx));
  return store.listVersions(ctx.db, model, filter, page, ctx.baseUrl);
}
