import type { Command } from "commander";
import { contextOf, type Context, type Io } from "../context";
import { UsageError } from "../errors";
import { usageOf } from "../usage";

/** Wraps a command body: commander calls actions with (...args, options, command); bodies get a Context first. */
export type Action = <A extends unknown[]>(body: (ctx: Context, ...args: A) => Promise<void>) => (...args: unknown[]) => Promise<void>;

export const actionFor =
  (io: Io): Action =>
  <A extends unknown[]>(body: (ctx: Context, ...args: A) => Promise<void>) =>
  async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    try {
      await body(contextOf(io, command), ...(args.slice(0, -1) as A));
    } catch (error) {
      if (error instanceof UsageError) error.usage ??= usageOf(command);
      throw error;
    }
  };
