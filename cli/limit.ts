/**
 * Runs at most `concurrency` jobs at once. After a job fails, jobs that have not started reject with that failure,
 * so one refused part stops a push while the requests already running finish and are observed. With
 * `stopOnFailure: false` a failure concerns only its own job (independent work, such as the versions of an import).
 */
export function limiter(concurrency: number, options: { stopOnFailure?: boolean } = {}) {
  const stopOnFailure = options.stopOnFailure ?? true;
  let running = 0;
  let failure: { error: unknown } | null = null;
  const waiting: (() => void)[] = [];
  return async function run<T>(job: () => Promise<T>): Promise<T> {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      if (failure) throw failure.error;
      return await job();
    } catch (error) {
      if (stopOnFailure) failure ??= { error };
      throw error;
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Waits for every job; the first failure (in the given order) is thrown once all have settled. */
export async function settleAll<T>(jobs: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(jobs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
