#!/usr/bin/env node
import { EXIT } from "./errors";
import { main } from "./program";
import type { Io } from "./context";

const onInterrupt: Io["onInterrupt"] = (handler) => {
  const stop = (signal: NodeJS.Signals) => {
    handler();
    process.exit(signal === "SIGINT" ? EXIT.interrupted : EXIT.terminated);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
};

const io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd(), onInterrupt };
process.exitCode = await main(process.argv.slice(2), io);
