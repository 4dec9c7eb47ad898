/** Transfer progress on stderr: a bar per file with throughput and ETA on a terminal, occasional plain lines otherwise. */
import cliProgress from "cli-progress";
import type { Output } from "./output";
import { formatBytes, formatDuration } from "./units";

export interface ProgressTask {
  advance(bytes: number): void;
  done(summary?: string): void;
  fail(reason: string): void;
}

export interface Progress {
  /** `already` bytes count as done without counting toward throughput (resumed transfers). */
  task(label: string, total: number, already?: number): ProgressTask;
  /** Like a task, but counting items (versions imported) rather than bytes. */
  counter(label: string, total: number): ProgressTask;
  note(text: string): void;
  stop(): void;
}

/** Plain progress lines come at most this often per task, so CI logs show life without flooding. */
const PLAIN_INTERVAL_MS = 5000;

export function createProgress(out: Output, interactive: boolean): Progress {
  if (out.quiet) return silentProgress;
  return interactive ? barProgress(out) : lineProgress(out);
}

const silentTask: ProgressTask = { advance() {}, done() {}, fail() {} };
const silentProgress: Progress = { task: () => silentTask, counter: () => silentTask, note() {}, stop() {} };

class Meter {
  readonly started = Date.now();
  moved = 0;
  constructor(
    readonly total: number,
    public value: number,
  ) {}
  advance(bytes: number) {
    this.value += bytes;
    this.moved += bytes;
  }
  /** Bytes per second over this run only. */
  rate(now = Date.now()) {
    const seconds = (now - this.started) / 1000;
    return seconds > 0 ? this.moved / seconds : 0;
  }
  eta() {
    const rate = this.rate();
    return rate > 0 ? (this.total - this.value) / rate : Infinity;
  }
  summary() {
    const seconds = (Date.now() - this.started) / 1000;
    const resumed = this.moved < this.total && this.value >= this.total;
    if (resumed) return `${formatBytes(this.moved)} of ${formatBytes(this.total)} transferred in ${seconds.toFixed(1)}s; the rest was already there`;
    // Throughput of a few bytes measures latency, not bandwidth: shown from a mebibyte on.
    return `${formatBytes(this.total)} in ${seconds.toFixed(1)}s${this.moved >= 1024 * 1024 ? ` (${formatBytes(this.rate())}/s)` : ""}`;
  }
}

function lineProgress(out: Output): Progress {
  return {
    task(label, total, already = 0) {
      const meter = new Meter(total, already);
      let last = Date.now();
      return {
        advance(bytes) {
          meter.advance(bytes);
          if (Date.now() - last < PLAIN_INTERVAL_MS || meter.value >= total) return;
          last = Date.now();
          const pct = total > 0 ? Math.floor((meter.value / total) * 100) : 100;
          out.note(`${label}: ${pct}% (${formatBytes(meter.value)} of ${formatBytes(total)}, ${formatBytes(meter.rate())}/s, ETA ${formatDuration(meter.eta())})`);
        },
        done(summary) {
          out.note(`${label}: ${summary ?? meter.summary()}`);
        },
        fail(reason) {
          out.note(`${label}: failed: ${reason}`);
        },
      };
    },
    counter(label, total) {
      let value = 0;
      let last = Date.now();
      return {
        advance(n) {
          value += n;
          if (Date.now() - last < PLAIN_INTERVAL_MS || value >= total) return;
          last = Date.now();
          out.note(`${label}: ${value} of ${total}`);
        },
        done(summary) {
          out.note(`${label}: ${summary ?? `${value} of ${total}`}`);
        },
        fail(reason) {
          out.note(`${label}: failed: ${reason}`);
        },
      };
    },
    note: (text) => out.note(text),
    stop() {},
  };
}

function barProgress(out: Output): Progress {
  const bars = new cliProgress.MultiBar({
    stream: out.stderr,
    hideCursor: true,
    clearOnComplete: false,
    autopadding: true,
    fps: 8,
    format: (options, params, payload: { label: string; meter: Meter; items?: boolean }) => {
      const width = options.barsize ?? 30;
      const filled = Math.round(params.progress * width);
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const { meter } = payload;
      if (payload.items) return `${payload.label} ${bar} ${String(Math.floor(params.progress * 100)).padStart(3)}% ${params.value}/${params.total}`;
      return (
        `${payload.label} ${bar} ${String(Math.floor(params.progress * 100)).padStart(3)}% ` +
        `${formatBytes(params.value)}/${formatBytes(params.total)} ${formatBytes(meter.rate())}/s ETA ${formatDuration(meter.eta())}`
      );
    },
  });
  // Logged lines are written over the bars' old rows: each erases the rest of its row (ESC [ K), or a shorter line
  // would keep the tail of the bar drawn there before.
  const logLine = (text: string) => bars.log(`${text.split("\n").join("\x1b[K\n")}\x1b[K\n`);
  // Ctrl-C must not leave the terminal without its cursor; the push resumes from the registry next time.
  const interrupted = (signal: NodeJS.Signals) => () => {
    bars.stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  const onInt = interrupted("SIGINT");
  const onTerm = interrupted("SIGTERM");
  process.once("SIGINT", onInt);
  process.once("SIGTERM", onTerm);
  // Finished files leave the bars and print one line, so a push of many files keeps a short screen.
  return {
    task(label, total, already = 0) {
      const meter = new Meter(total, already);
      const bar = bars.create(total, already, { label, meter });
      // remove() redraws at once, printing the logged line where the bar was.
      const end = (line: string) => {
        logLine(line);
        bars.remove(bar);
      };
      return {
        advance(bytes) {
          meter.advance(bytes);
          bar.update(meter.value, { label, meter });
        },
        done: (summary) => end(`✓ ${label}: ${summary ?? meter.summary()}`),
        fail: (reason) => end(`✗ ${label}: ${reason}`),
      };
    },
    counter(label, total) {
      const meter = new Meter(total, 0);
      const bar = bars.create(total, 0, { label, meter, items: true });
      const end = (line: string) => {
        logLine(line);
        bars.remove(bar);
      };
      return {
        advance(n) {
          meter.advance(n);
          bar.update(meter.value, { label, meter, items: true });
        },
        done: (summary) => end(`✓ ${label}: ${summary ?? `${meter.value}/${total}`}`),
        fail: (reason) => end(`✗ ${label}: ${reason}`),
      };
    },
    note: (text) => logLine(text),
    stop() {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      // Lines logged since the last redraw are printed by a redraw, which stop() alone does not do.
      bars.update();
      bars.stop();
    },
  };
}
