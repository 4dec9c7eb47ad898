/**
 * A per-isolate cache whose answers are never older than a bound (DESIGN §6). Misses for the same key share one
 * load (no stampede); failed loads are not kept; time comes from the caller so tests move it without sleeping.
 */

export interface Lookup<V> {
  value: V;
  /** How old the answer is, in ms, counted from when its load began: 0 when this call read the source. */
  ageMs: number;
  /** False only for the call that read the source; joiners of its load and later hits answer from memory. */
  cached: boolean;
}

interface Entry<V> {
  value: V;
  loadedAt: number;
}

export class StalenessCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly inFlight = new Map<K, Promise<Entry<V>>>();
  /** Bumped by clear(): a load that began before a clear must not repopulate the cache with older data. */
  private epoch = 0;

  constructor(private readonly maxEntries = 10_000) {}

  /** The bound is per call: deployments set it through a var that the cache does not own. */
  async get(key: K, now: number, maxAgeMs: number, load: () => Promise<V>): Promise<Lookup<V>> {
    const entry = this.entries.get(key);
    if (entry && now - entry.loadedAt < maxAgeMs) return { value: entry.value, ageMs: now - entry.loadedAt, cached: true };
    const joined = this.inFlight.get(key);
    if (joined) {
      const loaded = await joined;
      return { value: loaded.value, ageMs: Math.max(0, now - loaded.loadedAt), cached: true };
    }
    const loaded = await this.startLoad(key, now, load);
    return { value: loaded.value, ageMs: 0, cached: false };
  }

  /** Drops every entry and orphans loads in flight: the next lookup reads the source again. */
  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.inFlight.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private startLoad(key: K, now: number, load: () => Promise<V>): Promise<Entry<V>> {
    const epoch = this.epoch;
    const pending = load().then(
      (value) => {
        const entry = { value, loadedAt: now };
        if (epoch === this.epoch) {
          this.inFlight.delete(key);
          this.remember(key, entry);
        }
        return entry;
      },
      (error: unknown) => {
        if (epoch === this.epoch) this.inFlight.delete(key);
        throw error;
      },
    );
    this.inFlight.set(key, pending);
    return pending;
  }

  private remember(key: K, entry: Entry<V>): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order, so the first key is the least recently loaded.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }
}
