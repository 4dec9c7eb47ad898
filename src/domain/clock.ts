/** Time as the registry sees it; tests inject their own to move it without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const isoAt = (ms: number) => new Date(ms).toISOString();
