import { defineConfig } from "drizzle-kit";

// Generates flat NNNN_name.sql files that `wrangler d1 migrations apply` understands.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./migrations",
  migrations: { prefix: "index" },
});
