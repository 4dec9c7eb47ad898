/**
 * "Did you mean …": the names closest to a mistyped one, by edit distance (insertions, deletions, substitutions and
 * swaps of neighbours), ignoring case. Pure; the callers decide which names the caller may see.
 */

/** Optimal string alignment distance, or `max + 1` as soon as it must exceed `max` (so long inputs cost little). */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, max + 1);
}

/** Typos a person makes: one edit in short names, up to a quarter of the length (at most 3) in longer ones. */
const tolerance = (input: string) => Math.min(3, Math.max(1, Math.floor(input.length / 4)));

/** Up to `limit` candidates within the input's tolerance, closest first (then alphabetical); never the input itself. */
export function closestNames(input: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = input.toLowerCase();
  const max = tolerance(input);
  const scored: { name: string; distance: number }[] = [];
  for (const name of new Set(candidates)) {
    if (name === input) continue;
    const distance = editDistance(wanted, name.toLowerCase(), max);
    if (distance <= max) scored.push({ name, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.name);
}

/** ` Did you mean 'a' or 'b'?`, or "" without suggestions: appended to an error message. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return "";
  const quoted = suggestions.map((s) => `'${s}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
  return ` Did you mean ${list}?`;
}
