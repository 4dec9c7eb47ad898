/**
 * Route types of the edgereg HTTP API, generated from /openapi.json by `npm run gen:client` (cli/gen-client.mjs).
 * Do not edit by hand: change the route's zod schema and regenerate.
 */
export interface paths {
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who did what, when and why — newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Exact action, or a family such as ref.* */
                    action?: string;
                    actor?: string;
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Page size, 1–200 */
                    limit?: number;
                    model?: string;
                    since?: string;
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of audit events */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AuditEvent"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Checks D1 with one trivial query */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description D1 answers */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            d1: "ok";
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
                /** @description D1 does not answer */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            d1: string;
                            /** @enum {boolean} */
                            ok: false;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/maintenance/orphans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Orphaned multipart uploads and unreferenced blobs
         * @description uploads: open multipart sessions idle past the upload expiry (they can no longer complete; R2 keeps their parts), oldest first, at most 200. blobs: objects under blobs/sha256/ that no verified artifact names, among the `limit` objects scanned from `cursor` in sha256 order; page on with next_cursor. The cron trigger aborts and deletes them once ORPHAN_GRACE_HOURS have passed (collect_after), auditing each as upload.expire or blob.delete.
         */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Blobs to scan, 1–1000 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What the clean-up will collect */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Orphans"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List models */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Admin: true lists only deleted models */
                    deleted?: "true" | "false";
                    /** @description Page size, 1–200 */
                    limit?: number;
                    /** @description Case-insensitive substring of the name */
                    q?: string;
                    /** @description key=value; repeat to require several (at most 100, as a model has at most 100 tags) */
                    tag?: string | string[];
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of models, by name */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Model"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Register a model
         * @description Registering the name of a deleted model brings it back: its versions stay deleted and numbering continues after them.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ModelCreate"];
                };
            };
            responses: {
                /** @description The registered model */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Model"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a model with its refs and latest version
         * @description A deleted model is a 404 except for an admin, who sees it with deleted_at.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The model */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Model"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a model (kept, archived and hidden; an admin can restore it)
         * @description Deletes every version (each leaves its stage refs and aliases, recorded so rollback still works) and hides the model from every read but an admin's. Refused while Production is set. Emptying Staging or an alias on the way needs an admin.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description Why (recorded in the audit log) */
                    reason?: string;
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The versions deleted */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            versions: number[];
                        };
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Update a model's description or tags, or rename it
         * @description A new name (admin, and the token must reach both names) renames the model with its versions, refs, history and audit. The old name keeps resolving for serving (/v1/resolve, /v1/r/…, with X-Model-Renamed-To) until an admin removes the redirect; everything else answers 404 for it.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ModelPatch"];
                };
            };
            responses: {
                /** @description The updated model */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Model"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/models/{name}/drift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Stored drift reports, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    drifted?: "true" | "false";
                    /** @description Page size, 1–200 */
                    limit?: number;
                    version?: number;
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of reports */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["DriftReport"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Check a current sample against the version's reference; the report is stored
         * @description Evidently's default rules: KS (exact p for small samples) up to 1000 reference rows, normalised Wasserstein above; chi-square or a two-proportion z-test for categories; every numeric feature also reports KS, Wasserstein and PSI. The policy's drift part may override the threshold and the drifted share; a drifted data set fires drift.detected.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["DriftCheck"];
                };
            };
            responses: {
                /** @description The stored report */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DriftReport"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/drift/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One drift report */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The report */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DriftReport"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/former-names/{former}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a former name's redirect
         * @description References that still use the former name get 404 from then on, and the name can be used again.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description Why (recorded in the audit log) */
                    reason?: string;
                };
                header?: never;
                path: {
                    former: string;
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/observations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The observed series: one row per version, metric and minute, oldest first */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Page size, 1–200 */
                    limit?: number;
                    metric?: string;
                    since?: string;
                    until?: string;
                    version?: number;
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of windows */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ObservationWindow"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Report live metrics from serving (aggregated per version, metric and minute)
         * @description Up to 1000 reports per batch. Each names the version that answered, or the ref and the arm of its rollout. The batch lands in the current one-minute window; afterwards the model's auto-rollback rules are judged, and a rule that trips is rolled back at once by the system actor edgereg:auto-rollback. Needs the reporter role (the serving client's token).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ObservationBatch"];
                };
            };
            responses: {
                /** @description Recorded */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ObservationBatchResult"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The model's promotion and monitoring policy (the default when never set) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The policy */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            auto_rollback?: {
                                /** @enum {string} */
                                direction: "higher" | "lower";
                                floor?: number;
                                max_drop?: number;
                                metric: string;
                                min_samples: number;
                                window_s: number;
                            };
                            compare?: {
                                /** @enum {string} */
                                direction: "higher" | "lower";
                                metric: string;
                                /** @default 0 */
                                tolerance: number;
                            };
                            drift?: {
                                /** @default 0.5 */
                                drift_share: number;
                                stattest_threshold?: number;
                            };
                            /** @default {} */
                            floors: {
                                [key: string]: number;
                            };
                            /** @default false */
                            forbid_force: boolean;
                            metric_directions?: {
                                [key: string]: "higher" | "lower";
                            };
                            /** @default false */
                            require_pipeline: boolean;
                            /** @default true */
                            require_staging: boolean;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Replace the model's policy
         * @description Floors, the challenger-vs-champion comparison, whether Staging comes before Production (default yes), whether stage refs move only through POST …/stage and rollouts (require_pipeline), whether nobody may force past the gate (forbid_force), the auto-rollback rule and drift thresholds. Absent parts check nothing.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    /**
                     * @example {
                     *       "require_staging": true,
                     *       "require_pipeline": false,
                     *       "forbid_force": false,
                     *       "floors": {
                     *         "accuracy": 0.8
                     *       },
                     *       "compare": {
                     *         "metric": "accuracy",
                     *         "direction": "higher",
                     *         "tolerance": 0.005
                     *       },
                     *       "auto_rollback": {
                     *         "metric": "accuracy",
                     *         "direction": "higher",
                     *         "max_drop": 0.02,
                     *         "floor": 0.75,
                     *         "min_samples": 500,
                     *         "window_s": 900
                     *       },
                     *       "drift": {
                     *         "drift_share": 0.5
                     *       }
                     *     }
                     */
                    "application/json": {
                        auto_rollback?: {
                            /** @enum {string} */
                            direction: "higher" | "lower";
                            floor?: number;
                            max_drop?: number;
                            metric: string;
                            min_samples: number;
                            window_s: number;
                        };
                        compare?: {
                            /** @enum {string} */
                            direction: "higher" | "lower";
                            metric: string;
                            /** @default 0 */
                            tolerance?: number;
                        };
                        drift?: {
                            /** @default 0.5 */
                            drift_share?: number;
                            stattest_threshold?: number;
                        };
                        /** @default {} */
                        floors?: {
                            [key: string]: number;
                        };
                        /** @default false */
                        forbid_force?: boolean;
                        metric_directions?: {
                            [key: string]: "higher" | "lower";
                        };
                        /** @default false */
                        require_pipeline?: boolean;
                        /** @default true */
                        require_staging?: boolean;
                    };
                };
            };
            responses: {
                /** @description The stored policy */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            auto_rollback?: {
                                /** @enum {string} */
                                direction: "higher" | "lower";
                                floor?: number;
                                max_drop?: number;
                                metric: string;
                                min_samples: number;
                                window_s: number;
                            };
                            compare?: {
                                /** @enum {string} */
                                direction: "higher" | "lower";
                                metric: string;
                                /** @default 0 */
                                tolerance: number;
                            };
                            drift?: {
                                /** @default 0.5 */
                                drift_share: number;
                                stattest_threshold?: number;
                            };
                            /** @default {} */
                            floors: {
                                [key: string]: number;
                            };
                            /** @default false */
                            forbid_force: boolean;
                            metric_directions?: {
                                [key: string]: "higher" | "lower";
                            };
                            /** @default false */
                            require_pipeline: boolean;
                            /** @default true */
                            require_staging: boolean;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/refs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a model's refs */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Every stage ref and alias */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Ref"][];
                        };
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/refs/{ref}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where a ref points now */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The ref */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Ref"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Move a stage ref or an alias to a version
         * @description The admin's manual lever. Only READY versions can be targeted; an archived one only with force and a reason. A forward move of Production or Staging passes the promotion gate (422 listing every check; force with a reason overrides unless the policy sets forbid_force, and the audit event keeps the checks it overrode). When the policy sets require_pipeline, stage refs move only through POST …/versions/{v}/stage and rollouts (409 here). With expected_version, the move is a compare-and-set: 412 when the ref no longer points there.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RefMove"];
                };
            };
            responses: {
                /** @description Where the ref points now and where it pointed before */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RefChange"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description expected_version is stale */
                412: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        /**
         * Remove an alias (or empty a stage)
         * @description Emptying Production needs force=true. The removal is recorded in the ref's history and can be rolled back.
         */
        delete: {
            parameters: {
                query?: {
                    expected_version?: string;
                    force?: "true" | "false";
                    reason?: string;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The removed ref */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RefChange"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description expected_version is stale */
                412: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/refs/{ref}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every move of a ref, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Page size, 1–200 */
                    limit?: number;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of history */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["RefHistoryEntry"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/refs/{ref}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Instant rollback: move the ref back to where it was before its last move
         * @description Repeated rollbacks walk back through history. Never gated. With an active rollout on the ref, the rollout ends (status rolled_back) and the ref keeps its stable version.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Rollback"];
                };
            };
            responses: {
                /** @description Where the ref points now */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RefChange"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description expected_version is stale */
                412: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore a deleted model with the versions deleted along with it (they stay archived) */
        post: {
            parameters: {
                query?: {
                    /** @description Why (recorded in the audit log) */
                    reason?: string;
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The restored model */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Model"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/rollouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A model's rollouts, past and active, newest first, each with its whole life
         * @description Each rollout with every change (history, oldest first: start, weight changes with actor, time and reason, and the closing event), its A/B comparison over its whole life, and how it ended: outcome promoted, aborted, rolled_back or auto_rolled_back, with the closing event (and an automatic rollback's evidence) in ending.
         */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Page size, 1–200 */
                    limit?: number;
                    ref?: string;
                    status?: "active" | "promoted" | "aborted" | "rolled_back";
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of rollouts */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["RolloutRecord"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/rollouts/{ref}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The ref's active rollout, else its latest, with its history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The rollout, every change (oldest first) and the A/B comparison of its arms */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RolloutWithHistory"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Start a canary rollout on a ref
         * @description The ref's current version is the stable arm; the candidate (READY, not archived) answers the share of routing keys given by weight. One active rollout per ref (409 otherwise); the ref cannot be moved by hand while it runs. On Production the candidate passes the promotion gate first (422 listing the checks; force with a reason overrides).
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RolloutStart"];
                };
            };
            responses: {
                /** @description The new rollout */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Rollout"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change the candidate's weight, or advance to the next planned step
         * @description Raising the weight only adds routing keys to the candidate (the salt stays). Concurrent changes each commit once, in some order.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["RolloutPatch"];
                };
            };
            responses: {
                /** @description The rollout */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Rollout"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/models/{name}/rollouts/{ref}/abort": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Abort: close the rollout; the ref keeps its stable version */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["RolloutClose"];
                };
            };
            responses: {
                /** @description The closed rollout */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Rollout"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/rollouts/{ref}/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Promote: move the ref to the candidate and close the rollout
         * @description Recorded in the ref's history as a promote, so a later rollback of the ref returns it to the stable version.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Production, Staging (any case) or an alias */
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["RolloutClose"];
                };
            };
            responses: {
                /** @description The closed rollout */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Rollout"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List versions, newest first */
        get: {
            parameters: {
                query?: {
                    archived?: "true" | "false";
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Admin: true lists only deleted versions */
                    deleted?: "true" | "false";
                    /** @description Page size, 1–200 */
                    limit?: number;
                    stage?: "Production" | "Staging" | "Archived" | "None";
                    status?: "PENDING" | "READY" | "FAILED";
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of versions */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Version"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Create a version
         * @description Numbers are assigned 1, 2, 3… per model. A version without declared artifacts is READY at once. The semver must carry the signature's change since the highest version below it (422 naming the changes; see POST …/versions/plan).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VersionCreate"];
                };
            };
            responses: {
                /** @description The new version */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Version"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a version by number or semver */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Version"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /**
         * Delete a version (kept, archived and hidden; an admin can restore it)
         * @description Takes the version out of its stage refs and aliases (recorded, so rollback still works; an admin's when it holds any), archives it and hides it from every read but an admin's. Refused while it is an arm of an active rollout.
         */
        delete: {
            parameters: {
                query?: {
                    /** @description Why (recorded in the audit log) */
                    reason?: string;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The refs the version left */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            cleared_refs: string[];
                            version: number;
                        };
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /**
         * Update description, tags or archived; append metrics
         * @description Everything else of a version is immutable. Archiving a version that serves a stage or a rollout is refused.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VersionPatch"];
                };
            };
            responses: {
                /** @description The updated version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Version"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/artifacts/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a verified artifact
         * @description Streams the bytes with ETag (the quoted sha256), Cache-Control: private, max-age=31536000, immutable (never public: the bytes are behind a token), Vary: Authorization, Content-Length, Content-Type and Accept-Ranges. One Range → 206 (416 beyond the end); If-None-Match → 304; If-Range with another ETag sends the whole artifact. HEAD answers the same headers without a body. 404 until the artifact is uploaded and verified.
         */
        get: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The ETag (the quoted sha256) of a copy you hold */
                    "If-None-Match"?: string;
                    Range?: string;
                };
                path: {
                    name: string;
                    /** @description Artifact path as declared; may contain '/' (each segment URL-encoded) */
                    path: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The bytes; ETag is the quoted sha256, Cache-Control immutable */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                    };
                };
                /** @description The requested range, with Content-Range */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not modified: If-None-Match matched the ETag */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Range outside the artifact; Content-Range: bytes *\/SIZE */
                416: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        /**
         * Upload a declared artifact in one request
         * @description Streams the body into R2; it must be exactly the declared size with the declared sha256 (422 otherwise, nothing stored). Answers 200 without reading the body when the same bytes are already stored. Bodies above the plan's request cap (100 MB on most) use the multipart upload.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description Artifact path as declared; may contain '/' (each segment URL-encoded) */
                    path: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            /** @description The artifact's bytes */
            requestBody: {
                content: {
                    "application/octet-stream": string;
                };
            };
            responses: {
                /** @description Acknowledged: the bytes were already stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ArtifactUploaded"];
                    };
                };
                /** @description Stored and verified */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ArtifactUploaded"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        /**
         * An artifact's headers (size, ETag, type) without its bytes
         * @description Streams the bytes with ETag (the quoted sha256), Cache-Control: private, max-age=31536000, immutable (never public: the bytes are behind a token), Vary: Authorization, Content-Length, Content-Type and Accept-Ranges. One Range → 206 (416 beyond the end); If-None-Match → 304; If-Range with another ETag sends the whole artifact. HEAD answers the same headers without a body. 404 until the artifact is uploaded and verified.
         */
        head: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The ETag (the quoted sha256) of a copy you hold */
                    "If-None-Match"?: string;
                    Range?: string;
                };
                path: {
                    name: string;
                    /** @description Artifact path as declared; may contain '/' (each segment URL-encoded) */
                    path: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The bytes; ETag is the quoted sha256, Cache-Control immutable */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                    };
                };
                /** @description The requested range, with Content-Range */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Not modified: If-None-Match matched the ETag */
                304: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Range outside the artifact; Content-Range: bytes *\/SIZE */
                416: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every time a version entered or left a ref, or was an arm of a rollout, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Page size, 1–200 */
                    limit?: number;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of the version's history */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["VersionHistoryEntry"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/reference-data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The version's reference sample */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The sample */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            features: {
                                [key: string]: (number | string)[];
                            };
                            updated_at: string;
                            updated_by: string;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        /**
         * Store the reference sample drift checks compare against
         * @description Typically a sample of the training or validation data. At most 100 features and 10000 values per feature; replaces any earlier reference.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ReferenceData"];
                };
            };
            responses: {
                /** @description What was stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReferenceDataSummary"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Body too large */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/restore": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Restore a deleted version (it stays archived) */
        post: {
            parameters: {
                query?: {
                    /** @description Why (recorded in the audit log) */
                    reason?: string;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The restored version */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Version"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/stage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move a version to a stage through the gate
         * @description Production needs the version to have been in Staging (unless the policy says otherwise), its metrics to meet the floors, and it not to be worse than the current Production on the comparison metric. 422 lists every check with its value and verdict; force (with a reason) overrides and is audited with the failed checks. Archived and None take the version out of Staging (recorded in the ref's history) and set or clear its archived flag; a version that serves Production is moved off by promoting another one first. A publisher may move a version into Staging through the gate and archive a version that holds no stage ref; Production, taking a version out of Staging, and force need an admin.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StageTransitionRequest"];
                };
            };
            responses: {
                /** @description The transition and the checks it passed */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StageTransition"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start (or resume) a multipart upload of a declared artifact
         * @description 201 with a new session. 200 with the live session when this artifact already has one (resume: its parts lists what was received), or with status `completed` when the same bytes are already stored. Parts of `part_size` bytes (the last one smaller) go to PUT …/uploads/{id}/parts/{n}.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UploadCreate"];
                };
            };
            responses: {
                /** @description The live session to resume, or a completed one */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadSession"];
                    };
                };
                /** @description A new session */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadSession"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/uploads/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An upload session with the parts received so far */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadSession"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Abort a multipart upload */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The aborted session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadSession"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/uploads/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Assemble the parts and verify the whole artifact's sha256
         * @description Takes an empty body. On success the artifact is verified, and the version becomes READY when it was the last one. On a digest mismatch (422) the assembled bytes are deleted, the session is failed and the version stays PENDING.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The completed session */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadSession"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{v}/uploads/{id}/parts/{n}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Upload part n
         * @description Every part is `part_size` bytes except the last; a wrong size is refused (422). Sending a part again replaces it.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    /** @description Part number, 1–10000 */
                    n: number;
                    name: string;
                    /** @description A version number (7) or an exact semver (2.1.0) */
                    v: string;
                };
                cookie?: never;
            };
            /** @description The part's bytes */
            requestBody: {
                content: {
                    "application/octet-stream": string;
                };
            };
            responses: {
                /** @description The part was stored */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UploadPart"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Well-formed but refused by a rule */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/plan": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The semver bump a signature needs after the highest existing version
         * @description A removed, retyped or newly required input, or any output change, is MAJOR; a new optional input MINOR; else PATCH. CI can create the version as suggested_version; creating one with a smaller bump is refused with 422.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VersionPlanRequest"];
                };
            };
            responses: {
                /** @description The plan */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VersionPlan"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/ping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Answers without touching storage */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Alive */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/r/{name}/{ref}/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Resolve a ref and download an artifact in one request
         * @description Resolves REF (Production, Staging, @alias, 7, 2.1.0, latest, or a URL-encoded range such as %5E2.1) like /v1/resolve and streams the artifact in the same request, with Range and ETag as the by-version download. Cache-Control: no-store (the ref may move); Content-Location names the immutable by-version URL.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Resolve as of this instant (ISO-8601), from the recorded history; not in the future */
                    at?: string;
                    /** @description Routing key for a rollout's split when no X-Routing-Key header is sent (else the client address) */
                    key?: string;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description Artifact path; may contain '/' (at most 512 bytes once decoded) */
                    path: string;
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The artifact's bytes */
                200: {
                    headers: {
                        /** @description The immutable by-version URL */
                        "Content-Location"?: string;
                        /** @description D1's bookmark after this answer's reads; send it back (header or ?bookmark=) to read at least this fresh next time */
                        "x-d1-bookmark"?: string;
                        /** @description strict: read at D1's primary; session: at a replica at least as fresh as the x-d1-bookmark sent; bounded: through the isolate's memory, at most RESOLVE_MAX_STALENESS_MS old */
                        "X-D1-Consistency"?: "strict" | "session" | "bounded";
                        /** @description Only when the reference used a former name of a renamed model: the model's current name (update the reference) */
                        "X-Model-Renamed-To"?: string;
                        /** @description The version's semver */
                        "X-Model-Semver"?: string;
                        /** @description The version number */
                        "X-Model-Version"?: number;
                        /** @description How old the answer is; never above RESOLVE_MAX_STALENESS_MS */
                        "X-Resolve-Age-Ms"?: number;
                        /** @description strong: read from D1 for this request; cached: from the isolate's memory (RESOLVE_MAX_STALENESS_MS) */
                        "X-Resolve-Consistency"?: "strong" | "cached";
                        /** @description Only with ?at=: the instant answered (UTC) */
                        "X-Resolved-At"?: string;
                        /** @description Only under a rollout */
                        "X-Rollout-Arm"?: "stable" | "candidate";
                        /** @description Only under a rollout */
                        "X-Rollout-Id"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                    };
                };
                /** @description The requested range */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /**
         * The headers of a one-hop download
         * @description Resolves REF (Production, Staging, @alias, 7, 2.1.0, latest, or a URL-encoded range such as %5E2.1) like /v1/resolve and streams the artifact in the same request, with Range and ETag as the by-version download. Cache-Control: no-store (the ref may move); Content-Location names the immutable by-version URL.
         */
        head: {
            parameters: {
                query?: {
                    /** @description Resolve as of this instant (ISO-8601), from the recorded history; not in the future */
                    at?: string;
                    /** @description Routing key for a rollout's split when no X-Routing-Key header is sent (else the client address) */
                    key?: string;
                };
                header?: never;
                path: {
                    name: string;
                    /** @description Artifact path; may contain '/' (at most 512 bytes once decoded) */
                    path: string;
                    ref: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The artifact's bytes */
                200: {
                    headers: {
                        /** @description The immutable by-version URL */
                        "Content-Location"?: string;
                        /** @description D1's bookmark after this answer's reads; send it back (header or ?bookmark=) to read at least this fresh next time */
                        "x-d1-bookmark"?: string;
                        /** @description strict: read at D1's primary; session: at a replica at least as fresh as the x-d1-bookmark sent; bounded: through the isolate's memory, at most RESOLVE_MAX_STALENESS_MS old */
                        "X-D1-Consistency"?: "strict" | "session" | "bounded";
                        /** @description Only when the reference used a former name of a renamed model: the model's current name (update the reference) */
                        "X-Model-Renamed-To"?: string;
                        /** @description The version's semver */
                        "X-Model-Semver"?: string;
                        /** @description The version number */
                        "X-Model-Version"?: number;
                        /** @description How old the answer is; never above RESOLVE_MAX_STALENESS_MS */
                        "X-Resolve-Age-Ms"?: number;
                        /** @description strong: read from D1 for this request; cached: from the isolate's memory (RESOLVE_MAX_STALENESS_MS) */
                        "X-Resolve-Consistency"?: "strong" | "cached";
                        /** @description Only with ?at=: the instant answered (UTC) */
                        "X-Resolved-At"?: string;
                        /** @description Only under a rollout */
                        "X-Rollout-Arm"?: "stable" | "candidate";
                        /** @description Only under a rollout */
                        "X-Rollout-Id"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/octet-stream": string;
                    };
                };
                /** @description The requested range */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        patch?: never;
        trace?: never;
    };
    "/v1/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Resolve a models:/ reference to the version it names now
         * @description Forms: models:/NAME/Production, /Staging, models:/NAME@ALIAS, /7, /2.1.0, a semver range (^2.1, ~2.1.3, >=1.2 <2: the highest READY, non-archived version in it), /latest (the highest READY, non-archived number), each with an optional trailing artifact path. One D1 round trip, never cached (Cache-Control: no-store). Under a rollout on the ref, the routing key (X-Routing-Key, else ?key=, else the client address) picks the arm. HEAD answers the same headers without a body. With ?at=ISO-TIME the answer is what the reference resolved to at that instant (the ref's target, the rollout running then with its weight and salt, and the arm the routing key got), with X-Resolved-At; a time before the model existed is a 404 (reason before_model), a time in the future a 400.
         */
        get: {
            parameters: {
                query: {
                    /** @description Resolve as of this instant (ISO-8601), from the recorded history; not in the future */
                    at?: string;
                    /** @description Routing key for a rollout's split when no X-Routing-Key header is sent (else the client address) */
                    key?: string;
                    ref: string;
                };
                header?: {
                    /** @description A bookmark from an earlier answer: read at least that fresh (session consistency), on any D1 replica */
                    "x-d1-bookmark"?: string;
                    /** @description The routing key for a rollout's split */
                    "x-routing-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The version, its artifacts and the rollout arm that answered */
                200: {
                    headers: {
                        /** @description D1's bookmark after this answer's reads; send it back (header or ?bookmark=) to read at least this fresh next time */
                        "x-d1-bookmark"?: string;
                        /** @description strict: read at D1's primary; session: at a replica at least as fresh as the x-d1-bookmark sent; bounded: through the isolate's memory, at most RESOLVE_MAX_STALENESS_MS old */
                        "X-D1-Consistency"?: "strict" | "session" | "bounded";
                        /** @description Only when the reference used a former name of a renamed model: the model's current name (update the reference) */
                        "X-Model-Renamed-To"?: string;
                        /** @description The version's semver */
                        "X-Model-Semver"?: string;
                        /** @description The version number */
                        "X-Model-Version"?: number;
                        /** @description How old the answer is; never above RESOLVE_MAX_STALENESS_MS */
                        "X-Resolve-Age-Ms"?: number;
                        /** @description strong: read from D1 for this request; cached: from the isolate's memory (RESOLVE_MAX_STALENESS_MS) */
                        "X-Resolve-Consistency"?: "strong" | "cached";
                        /** @description Only with ?at=: the instant answered (UTC) */
                        "X-Resolved-At"?: string;
                        /** @description Only under a rollout */
                        "X-Rollout-Arm"?: "stable" | "candidate";
                        /** @description Only under a rollout */
                        "X-Rollout-Id"?: string;
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Resolution"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tokens (never their secrets) */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    include_revoked?: "true" | "false";
                    /** @description Page size, 1–200 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of tokens, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Token"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /** Create a token (the secret is shown once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["TokenCreate"];
                };
            };
            responses: {
                /** @description The token and its secret */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TokenWithSecret"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a token; it stops working at once */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The revoked token */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Token"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhooks (never their secrets) */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    include_deleted?: "true" | "false";
                    /** @description Page size, 1–200 */
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of webhooks, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Webhook"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        /**
         * Subscribe a URL to registry events (the signing secret is shown once)
         * @description Events: version.created, version.ready, version.deleted, version.restored, ref.moved, stage.changed, rollout.started, rollout.changed, rollout.promoted, rollout.aborted, auto_rollback, drift.detected, model.renamed, model.deleted, model.restored. Deliveries are retried with backoff (1 min, 5 min, 30 min, 2 h) until a 2xx answer, then dead-lettered (docs/webhooks.md).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["WebhookCreate"];
                };
            };
            responses: {
                /** @description The webhook and its signing secret */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookWithSecret"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The webhook */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a webhook: deliveries stop at once, its log stays readable */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The deleted webhook */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Webhook"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The delivery log: every event sent to this webhook and each attempt */
        get: {
            parameters: {
                query?: {
                    /** @description next_cursor from the previous page */
                    cursor?: string;
                    /** @description Page size, 1–200 */
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of deliveries, newest first */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["WebhookDelivery"][];
                            next_cursor: string | null;
                        };
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{delivery}/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a delivered or failed delivery again (same id, same signed body)
         * @description The delivery goes back in flight with its retries and dead-lettering; its attempts so far stay in the log. A receiver that dedups on X-Edgereg-Delivery ignores it if it had processed it. 409 while it is still in flight or when the webhook is deleted.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    delivery: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The delivery, pending again */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookDelivery"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send again every dead letter of a webhook whose event was recorded in [since, until)
         * @description Oldest first, at most 500 per call (more: true says there are others). Audited as one event.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["WebhookReplay"];
                };
            };
            responses: {
                /** @description What was put back in flight */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["WebhookReplayResult"];
                    };
                };
                /** @description Invalid input: the details name the field */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Missing, unknown or revoked token */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description The token lacks the role or model scope */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description No such resource */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
                /** @description Conflicts with the current state */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Error"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description Per arm count, mean and variance of the rollout's watched metric (its auto-rollback rule's, else the policy's compare metric) */
        ABComparison: {
            candidate: {
                count: number;
                mean: number | null;
                variance: number | null;
                version: number;
            };
            /** @enum {string} */
            direction: "higher" | "lower";
            metric: string;
            since: string;
            stable: {
                count: number;
                mean: number | null;
                variance: number | null;
                version: number;
            };
            until: string | null;
            /** @description Welch's t-test of candidate minus stable (95% interval); null until each arm has two observations */
            welch: {
                ci_high: number;
                ci_low: number;
                df: number;
                difference: number;
                p_value: number;
                t: number | null;
            } | null;
        } | null;
        /** @description Every observed metric's difference between the arms over the rollout's life; warnings name non-judged metrics that got significantly worse */
        ArmDifferences: {
            metrics: {
                candidate: {
                    count: number;
                    mean: number | null;
                    variance: number | null;
                    version: number;
                };
                /** @enum {string} */
                direction: "higher" | "lower";
                /**
                 * @description policy: the policy's metric_directions; judged: the judged metric's rule; name: the name rule (docs/history.md)
                 * @enum {string}
                 */
                direction_source: "policy" | "judged" | "name";
                judged: boolean;
                metric: string;
                /** @description the whole interval lies on the metric's bad side of zero */
                significantly_worse: boolean;
                stable: {
                    count: number;
                    mean: number | null;
                    variance: number | null;
                    version: number;
                };
                /** @description candidate minus stable with its 95% interval; null until each arm has two observations */
                welch: {
                    ci_high: number;
                    ci_low: number;
                    df: number;
                    difference: number;
                    p_value: number;
                    t: number | null;
                } | null;
            }[];
            since: string;
            until: string | null;
            warnings: {
                ci_high: number;
                ci_low: number;
                difference: number;
                /** @enum {string} */
                direction: "higher" | "lower";
                message: string;
                metric: string;
                p_value: number;
            }[];
        } | null;
        Artifact: {
            content_type: string;
            media_type?: string;
            path: string;
            sha256: string;
            size: number;
            url: string;
        };
        ArtifactUploaded: {
            content_type: string;
            path: string;
            sha256: string;
            size: number;
            /** @description false when acknowledged without storing: the same bytes were already stored */
            stored: boolean;
            url: string;
            /** @enum {string} */
            version_status: "PENDING" | "READY" | "FAILED";
        };
        AuditEvent: {
            action: string;
            actor: string;
            after?: unknown;
            at: string;
            before?: unknown;
            id: number;
            model: string | null;
            reason: string;
            ref: string | null;
            request_id: string;
            version: number | null;
        };
        AutoRollbackOutcome: {
            baseline_version: number | null;
            evidence: {
                [key: string]: unknown;
            };
            reason: string;
            ref: string;
            rollout_id: string | null;
            tripped: boolean;
            version: number;
        };
        Dataset: {
            digest?: string | null;
            name: string;
            version?: string | null;
        } | null;
        DriftCheck: {
            /**
             * @description Per feature, numbers or strings (categories)
             * @example {
             *       "distance_km": [
             *         812,
             *         1204,
             *         95.5
             *       ],
             *       "carrier": [
             *         "AA",
             *         "DL",
             *         "AA"
             *       ]
             *     }
             */
            features: {
                [key: string]: number[] | string[];
            };
            /** @description Production, Staging or an alias: the version it points to now */
            ref?: string;
            /**
             * @description A version number or an exact semver
             * @example 3
             */
            version?: number | string;
        };
        DriftReport: {
            at: string;
            created_by: string;
            current_rows: number;
            dataset_drift: boolean;
            drift_share: number;
            features: {
                [key: string]: components["schemas"]["FeatureDrift"];
            };
            id: string;
            model: string;
            version: number;
        };
        Error: {
            error: {
                /** @example NOT_FOUND */
                code: string;
                details?: unknown;
                message: string;
            };
        };
        FeatureDrift: {
            drift: boolean;
            /** @enum {string} */
            kind: "numerical" | "categorical";
            ks_p_value: number | null;
            ks_statistic: number | null;
            p_value: number | null;
            psi: number | null;
            /** @description null when infinite (a category the reference never saw) */
            statistic: number | null;
            /** @enum {string} */
            test: "ks" | "wasserstein" | "chisquare" | "z";
            wasserstein: number | null;
            wasserstein_norm: number | null;
        };
        GateCheck: {
            detail: string;
            /** @example floor:accuracy */
            name: string;
            passed: boolean;
            threshold?: number | null;
            value?: number | null;
        };
        Model: {
            created_at: string;
            created_by: string;
            /** @description Only on a deleted model (admins see those) */
            deleted_at?: string;
            description: string;
            /** @description Names before renames that still redirect serving here */
            former_names?: string[];
            latest_version: number | null;
            name: string;
            refs: {
                [key: string]: number;
            };
            tags: {
                [key: string]: string;
            };
            updated_at: string;
        };
        /**
         * @example {
         *       "name": "flight_delay",
         *       "description": "Predicts departure delay in minutes",
         *       "tags": {
         *         "team": "ops"
         *       }
         *     }
         */
        ModelCreate: {
            description?: string;
            name: string;
            tags?: {
                [key: string]: string;
            };
        };
        ModelPatch: {
            description?: string;
            /** @description Admin: renames the model with its versions, refs, history and audit; the old name keeps resolving for serving until the redirect is removed */
            name?: string;
            /** @description Why (recorded with a rename) */
            reason?: string;
            /** @description Keys set to a string are added or replaced; keys set to null are removed */
            tags?: {
                [key: string]: string | null;
            };
        };
        /**
         * @example {
         *       "observations": [
         *         {
         *           "ref": "Production",
         *           "arm": "candidate",
         *           "metrics": {
         *             "correct": 1
         *           },
         *           "count": 37
         *         },
         *         {
         *           "ref": "Production",
         *           "arm": "candidate",
         *           "metrics": {
         *             "correct": 0
         *           },
         *           "count": 3
         *         },
         *         {
         *           "version": 7,
         *           "metrics": {
         *             "latency_ms": 41.5
         *           }
         *         }
         *       ]
         *     }
         */
        ObservationBatch: {
            observations: {
                /**
                 * @description Which arm of the ref's rollout answered (X-Rollout-Arm)
                 * @enum {string}
                 */
                arm?: "stable" | "candidate";
                /** @description How many identical observations the values stand for (default 1), e.g. 37 requests that were all correct */
                count?: number;
                /**
                 * @example {
                 *       "correct": 1,
                 *       "latency_ms": 41.5
                 *     }
                 */
                metrics: {
                    [key: string]: number;
                };
                /** @description Production, Staging or an alias; give arm when a rollout is active */
                ref?: string;
                /**
                 * @description A version number or an exact semver
                 * @example 3
                 */
                version?: number | string;
            }[];
        };
        ObservationBatchResult: {
            accepted: number;
            /** @description What each auto-rollback rule saw after this batch; tripped ones rolled back */
            auto_rollback: components["schemas"]["AutoRollbackOutcome"][];
            versions: number[];
            window_start: string;
        };
        ObservationWindow: {
            count: number;
            mean: number;
            metric: string;
            sum: number;
            sum_squares: number;
            version: number;
            window_start: string;
        };
        OrphanedBlob: {
            /** @description When the cron trigger deletes it, if still unreferenced */
            collect_after: string;
            sha256: string;
            size: number;
            uploaded_at: string;
        };
        OrphanedUpload: {
            /** @description When the cron trigger aborts it */
            collect_after: string;
            created_at: string;
            id: string;
            model: string;
            /** @description Parts R2 keeps for it */
            parts: number;
            path: string;
            sha256: string;
            size: number;
            /** @description Its last part or call */
            updated_at: string;
            version: number;
        };
        Orphans: {
            blobs: components["schemas"]["OrphanedBlob"][];
            grace_hours: number;
            next_cursor: string | null;
            now: string;
            /** @description Blobs scanned on this page */
            scanned: number;
            uploads: components["schemas"]["OrphanedUpload"][];
        };
        Ref: {
            generation: number;
            ref: string;
            updated_at: string;
            updated_by: string;
            version: number;
        };
        RefChange: {
            generation: number;
            previous_version: number | null;
            ref: string;
            rollout_id?: string;
            version: number | null;
        };
        ReferenceData: {
            /**
             * @description Per feature, numbers or strings (categories)
             * @example {
             *       "distance_km": [
             *         812,
             *         1204,
             *         95.5
             *       ],
             *       "carrier": [
             *         "AA",
             *         "DL",
             *         "AA"
             *       ]
             *     }
             */
            features: {
                [key: string]: number[] | string[];
            };
        };
        ReferenceDataSummary: {
            features: {
                [key: string]: {
                    /** @enum {string} */
                    kind: "numbers" | "strings";
                    rows: number;
                };
            };
            model: string;
            updated_at: string;
            updated_by: string;
            version: number;
        };
        RefHistoryEntry: {
            action: string;
            actor: string;
            at: string;
            from_version: number | null;
            generation: number;
            reason: string;
            /** @description The rollout the entry belongs to (start, promote, abort, rollback), naming both arms; null for plain moves */
            rollout: {
                candidate_version: number;
                id: string;
                stable_version: number;
            } | null;
            to_version: number | null;
        };
        RefMove: {
            /**
             * @description Compare-and-set: where you believe the ref points now (null: unset); 412 when stale
             * @example 3
             */
            expected_version?: number | string | null;
            /** @description Overrides a stage ref's failed gate checks or allows an archived target; needs a reason (refused under forbid_force) */
            force?: boolean;
            /** @description Admin: copies an assignment from another registry (edgereg import): no gate, recorded as action `import` */
            imported_from?: string;
            reason?: string;
            /**
             * @description A version number or an exact semver
             * @example 3
             */
            version: number | string;
        };
        Resolution: components["schemas"]["Version"] & {
            /**
             * @description Which arm of the ref's active rollout answered; null without a rollout
             * @enum {string|null}
             */
            arm: "stable" | "candidate" | null;
            /** @description The artifact the reference's trailing path names, if it has one */
            artifact: components["schemas"]["Artifact"] | null;
            /** @description Point-in-time resolve only: the instant answered (also X-Resolved-At) */
            at?: string;
            /** @description The ref the answer went through (Production, Staging or an alias); null for numbers, semvers, ranges and latest */
            ref: string | null;
            /** @description Point-in-time resolve only: what the ref pointed to then (the stable arm under a rollout); null for other selectors */
            ref_version?: number | null;
            /**
             * @description The reference as parsed, in canonical form
             * @example models:/flight_delay/Production
             */
            reference: string;
            /** @description Point-in-time resolve only: the rollout running on the ref then, with its weight then */
            rollout?: {
                candidate_version: number;
                id: string;
                salt: string;
                stable_version: number;
                weight: number;
            } | null;
            rollout_id: string | null;
        };
        Rollback: {
            /**
             * @description A version number or an exact semver
             * @example 3
             */
            expected_version?: number | string | null;
            reason?: string;
        };
        Rollout: {
            candidate_version: number;
            created_at: string;
            created_by: string;
            ended_at: string | null;
            id: string;
            policy?: unknown;
            reason: string;
            ref: string;
            /** @description Public: bucket = murmur3_x86_32(salt + ':' + key) mod 10000; candidate when bucket < weight × 100 */
            salt: string;
            stable_version: number;
            /** @enum {string} */
            status: "active" | "promoted" | "aborted" | "rolled_back";
            /** @description Planned weights in percent */
            steps: number[];
            updated_at: string;
            /** @description Percent, two decimals at most */
            weight: number;
        };
        RolloutClose: {
            reason?: string;
        };
        RolloutEvent: {
            /** @enum {string} */
            action: "start" | "weight" | "promote" | "abort" | "rollback" | "auto_rollback";
            actor: string;
            at: string;
            evidence?: unknown;
            reason: string;
            seq: number;
            weight_after: number | null;
            weight_before: number | null;
        };
        /**
         * @example {
         *       "weight": 50,
         *       "reason": "error rate flat at 5%"
         *     }
         */
        RolloutPatch: {
            reason?: string;
            /**
             * @description Move to the first planned step above the current weight
             * @enum {string}
             */
            step?: "next";
            /**
             * @description Percent of routing keys the candidate answers, at most two decimals (0.01% steps)
             * @example 5
             */
            weight?: number;
        };
        RolloutRecord: components["schemas"]["Rollout"] & {
            ab: components["schemas"]["ABComparison"];
            differences: components["schemas"]["ArmDifferences"];
            /** @description The closing event with its evidence; null while active */
            ending: components["schemas"]["RolloutEvent"] | null;
            history: components["schemas"]["RolloutEvent"][];
            /**
             * @description How it ended; null while active
             * @enum {string|null}
             */
            outcome: "promoted" | "aborted" | "rolled_back" | "auto_rolled_back" | null;
        };
        /**
         * @example {
         *       "candidate_version": 8,
         *       "steps": [
         *         5,
         *         50,
         *         100
         *       ],
         *       "reason": "new features from the May data"
         *     }
         */
        RolloutStart: {
            /**
             * @description A version number or an exact semver
             * @example 3
             */
            candidate_version: number | string;
            /** @description On Production: start despite a failing promotion gate (needs a reason; audited) */
            force?: boolean;
            /** @description The rollout's auto-rollback rule {metric, direction, max_drop | floor, min_samples, window_s}, checked on observations */
            policy?: {
                /** @enum {string} */
                direction: "higher" | "lower";
                floor?: number;
                max_drop?: number;
                metric: string;
                min_samples: number;
                window_s: number;
            };
            reason?: string;
            /**
             * @description Planned weights, rising, e.g. [5, 50, 100]; the rollout starts at the first
             * @example [
             *       5,
             *       50,
             *       100
             *     ]
             */
            steps?: number[];
            /**
             * @description Starting weight; give this or steps
             * @example 5
             */
            weight?: number;
        };
        RolloutWithHistory: components["schemas"]["Rollout"] & {
            ab: components["schemas"]["ABComparison"];
            differences: components["schemas"]["ArmDifferences"];
            history: components["schemas"]["RolloutEvent"][];
        };
        /**
         * @example {
         *       "inputs": [
         *         {
         *           "name": "distance_km",
         *           "type": "double"
         *         },
         *         {
         *           "name": "carrier",
         *           "type": "string"
         *         }
         *       ],
         *       "outputs": [
         *         {
         *           "name": "delay_min",
         *           "type": "double"
         *         }
         *       ]
         *     }
         */
        Signature: {
            inputs: {
                name: string;
                optional?: boolean;
                type: string;
            }[];
            outputs: {
                name: string;
                optional?: boolean;
                type: string;
            }[];
        } | null;
        StageTransition: {
            checks: components["schemas"]["GateCheck"][];
            failed_checks: string[];
            forced: boolean;
            /** @enum {string} */
            previous_stage: "Staging" | "Production" | "Archived" | "None";
            refs: {
                generation: number;
                previous_version: number | null;
                ref: string;
                version: number | null;
            }[];
            /** @enum {string} */
            stage: "Staging" | "Production" | "Archived" | "None";
            version: number;
        };
        /**
         * @example {
         *       "stage": "Production",
         *       "reason": "beats v6 on May's holdout"
         *     }
         */
        StageTransitionRequest: {
            /** @description Override failed checks (admin only, with a reason; refused under forbid_force); the audit event keeps them */
            force?: boolean;
            reason?: string;
            /** @enum {string} */
            stage: "Staging" | "Production" | "Archived" | "None";
        };
        Token: {
            created_at: string;
            created_by: string;
            expires_at: string | null;
            id: string;
            last_used_at: string | null;
            model_glob: string;
            name: string;
            revoked_at: string | null;
            /** @enum {string} */
            role: "reader" | "reporter" | "publisher" | "admin";
        };
        /**
         * @example {
         *       "name": "ci-github",
         *       "role": "publisher",
         *       "model_glob": "fraud-*"
         *     }
         */
        TokenCreate: {
            /** Format: date-time */
            expires_at?: string | null;
            model_glob?: string;
            name: string;
            /** @enum {string} */
            role: "reader" | "reporter" | "publisher" | "admin";
        };
        TokenWithSecret: components["schemas"]["Token"] & {
            /** @description Shown once; store it now */
            secret: string;
        };
        /**
         * @example {
         *       "path": "model/weights.safetensors",
         *       "part_size": 67108864
         *     }
         */
        UploadCreate: {
            /** @description Bytes per part (all but the last); default 64 MiB, or larger to stay within 10,000 parts */
            part_size?: number;
            path: string;
        };
        UploadPart: {
            etag: string;
            number: number;
            size: number;
        };
        UploadSession: {
            created_at: string;
            id: string;
            part_count: number;
            part_size: number;
            /** @description Parts received so far; a resuming client sends the others */
            parts: components["schemas"]["UploadPart"][];
            path: string;
            sha256: string;
            size: number;
            /** @enum {string} */
            status: "open" | "completed" | "aborted" | "failed" | "expired";
            updated_at: string;
            /** @enum {string} */
            version_status: "PENDING" | "READY" | "FAILED";
        };
        Version: {
            aliases: string[];
            archived: boolean;
            artifacts: components["schemas"]["Artifact"][];
            created_at: string;
            created_by: string;
            dataset: {
                digest?: string | null;
                name: string;
                version?: string | null;
            } | null;
            /** @description Only on a deleted version (admins see those) */
            deleted_at?: string;
            description: string;
            git_commit: string | null;
            metrics: {
                [key: string]: number;
            };
            model: string;
            number: number;
            params: {
                [key: string]: string | number | boolean;
            };
            /** @description The version's part in the rollouts running on the model: candidate at 12.5% of Production, or the stable arm */
            rollouts: {
                /** @enum {string} */
                arm: "stable" | "candidate";
                ref: string;
                rollout_id: string;
                /** @description The candidate's share in percent; the stable arm answers the rest */
                weight: number;
            }[];
            run_id: string | null;
            semver: string;
            signature: {
                inputs: {
                    name: string;
                    optional?: boolean;
                    type: string;
                }[];
                outputs: {
                    name: string;
                    optional?: boolean;
                    type: string;
                }[];
            } | null;
            source: string | null;
            /** @enum {string} */
            stage: "Production" | "Staging" | "Archived" | "None";
            /** @enum {string} */
            status: "PENDING" | "READY" | "FAILED";
            tags: {
                [key: string]: string;
            };
        };
        VersionCreate: {
            /** @description Declared artifacts; the version is PENDING until each is uploaded and verified */
            artifacts?: {
                content_type?: string;
                /**
                 * @description The CNCF ModelPack layer type this file is pulled as through /v2/ (default: inferred from the path; docs/oci.md)
                 * @enum {string}
                 */
                media_type?: "application/vnd.cncf.model.weight.v1.raw" | "application/vnd.cncf.model.weight.config.v1.raw" | "application/vnd.cncf.model.doc.v1.raw" | "application/vnd.cncf.model.code.v1.raw" | "application/vnd.cncf.model.dataset.v1.raw";
                path: string;
                sha256: string;
                size: number;
            }[];
            dataset?: components["schemas"]["Dataset"];
            /** @description Why this version exists (the changelog) */
            description?: string;
            git_commit?: string | null;
            /**
             * @example {
             *       "accuracy": 0.93,
             *       "auc": 0.971
             *     }
             */
            metrics?: {
                [key: string]: number;
            };
            /** @description Admin: the version number to take (imports keep the source registry's numbers); default: the next one */
            number?: number;
            /**
             * @example {
             *       "learning_rate": 0.05,
             *       "max_depth": 8,
             *       "early_stopping": true
             *     }
             */
            params?: {
                [key: string]: string | number | boolean;
            };
            run_id?: string | null;
            /** @example 2.1.0 */
            semver: string;
            signature?: components["schemas"]["Signature"];
            source?: string | null;
            tags?: {
                [key: string]: string;
            };
        };
        VersionHistoryEntry: {
            /** @description The ref history action: move, promote, delete, rollback, auto_rollback, rollout_start, rollout_abort, … */
            action: string;
            actor: string;
            /**
             * @description Its arm in the entry's rollout; null for plain moves
             * @enum {string|null}
             */
            arm: "stable" | "candidate" | null;
            at: string;
            /**
             * @description entered or left the ref (move, promote, rollback, automatic rollback), or a rollout it was an arm of started or ended without moving the ref
             * @enum {string}
             */
            change: "entered" | "left" | "rollout_started" | "rollout_ended";
            from_version: number | null;
            generation: number;
            reason: string;
            ref: string;
            rollout: {
                candidate_version: number;
                id: string;
                stable_version: number;
            } | null;
            to_version: number | null;
        };
        VersionPatch: {
            archived?: boolean;
            description?: string;
            /**
             * @description New metrics to append; recorded values never change
             * @example {
             *       "accuracy": 0.93,
             *       "auc": 0.971
             *     }
             */
            metrics?: {
                [key: string]: number;
            };
            /** @description Keys set to a string are added or replaced; keys set to null are removed */
            tags?: {
                [key: string]: string | null;
            };
        };
        VersionPlan: {
            changes: {
                detail: string;
                input?: string;
                /** @example new_required_input */
                kind: string;
                output?: string;
                /** @enum {string} */
                severity: "major" | "minor" | "patch";
            }[];
            previous_version: string | null;
            /** @enum {string} */
            required_bump: "major" | "minor" | "patch";
            suggested_version: string;
        };
        VersionPlanRequest: {
            signature: components["schemas"]["Signature"];
        };
        Webhook: {
            created_at: string;
            created_by: string;
            deleted_at: string | null;
            description: string;
            events: string[];
            id: string;
            model: string;
            ordered: boolean;
            url: string;
        };
        /**
         * @example {
         *       "url": "https://hooks.example.com/edgereg",
         *       "events": [
         *         "stage.changed",
         *         "auto_rollback"
         *       ],
         *       "model": "fraud-*"
         *     }
         */
        WebhookCreate: {
            description?: string;
            /** @description Event types, or "*" for all */
            events: ("*" | "version.created" | "version.ready" | "version.deleted" | "version.restored" | "ref.moved" | "stage.changed" | "rollout.started" | "rollout.changed" | "rollout.promoted" | "rollout.aborted" | "auto_rollback" | "drift.detected" | "model.renamed" | "model.deleted" | "model.restored")[];
            /** @description A model name or glob (default *: every model) */
            model?: string;
            /** @description Deliveries of one model go one at a time, in the order the events were recorded (docs/webhooks.md) */
            ordered?: boolean;
            /**
             * Format: uri
             * @description Where deliveries are POSTed (https in production)
             */
            url: string;
        };
        WebhookDelivery: {
            attempts: {
                at: string;
                error: string | null;
                status: number | null;
            }[];
            created_at: string;
            event: string;
            event_id: string;
            id: string;
            model: string | null;
            next_attempt_at: string | null;
            /** @description 1, 2, 3… per model: the X-Edgereg-Sequence header */
            sequence: number;
            /** @enum {string} */
            status: "pending" | "delivered" | "failed";
            updated_at: string;
            webhook_id: string;
        };
        /**
         * @example {
         *       "since": "2026-05-01T14:00:00Z",
         *       "until": "2026-05-01T16:00:00Z"
         *     }
         */
        WebhookReplay: {
            /**
             * Format: date-time
             * @description Dead letters recorded at or after this time
             */
            since: string;
            /**
             * Format: date-time
             * @description … and before this time
             */
            until: string;
        };
        WebhookReplayResult: {
            deliveries: string[];
            /** @description More than 500 dead letters are in the range: call again */
            more: boolean;
            replayed: number;
        };
        WebhookWithSecret: components["schemas"]["Webhook"] & {
            /** @description Shown once. Deliveries carry X-Edgereg-Signature: sha256=HEX(HMAC-SHA256(secret, raw body)); recompute it to trust one */
            secret: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
