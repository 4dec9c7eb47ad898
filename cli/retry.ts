import { EdgeregError } from "../src/client";
import { NetworkError } from "./transport";

export interface RetryOptions {
  attempts: number;
  /** Delay before the second attempt; doubled for each later one, unless the server's Retry-After says longer. */
  firstDelayMs: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Which failures are worth another try; default isTransient (the registry's). Other servers bring their own. */
  transient?: (error: unknown) => boolean;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, firstDelayMs: 500 };

/** A connection that broke mid-body surfaces as the socket's own error, with one of these codes. */
const BROKEN_CONNECTION = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Failures worth another try: the network, the server's own errors, throttling. A refusal (4xx) stays a refusal. */
export function isTransient(error: unknown): boolean {
  if (error instanceof EdgeregError) return error.status >= 500 || error.status === 429 || error.status === 408;
  return error instanceof NetworkError || BROKEN_CONNECTION.has((error as NodeJS.ErrnoException)?.code ?? "");
}

export async function withRetry<T>(job: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await job();
    } catch (error) {
      if (attempt >= options.attempts || !(options.transient ?? isTransient)(error)) throw error;
      const retryAfter = (error as { retryAfter?: unknown } | null)?.retryAfter;
      const asked = typeof retryAfter === "number" ? retryAfter * 1000 : 0;
      const delayMs = Math.max(asked, options.firstDelayMs * 2 ** (attempt - 1));
      options.onRetry?.(error, attempt, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
