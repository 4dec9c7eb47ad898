/** A route's row in the role matrix: the role it needs and a request that role may send. */
export type Need = "public" | "reader" | "reporter" | "publisher" | "admin" | "unscoped-admin";

export interface MatrixRow {
  need: Need;
  /** JSON body; `__MODEL__` is replaced by a fresh name. */
  body?: unknown;
  query?: string;
  /** A path to send instead of the template's (`__MODEL__` replaced), for routes that would change the shared model. */
  path?: string;
}

/**
 * Path placeholders are filled as: {name} → a model with version 1 (READY) and alias `champion` → 1,
 * {v} → 1, {ref} → champion, {id} → a random UUID, {path} → model.bin.
 */
