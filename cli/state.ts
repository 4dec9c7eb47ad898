/**
 * Upload sessions a push started, in .edgereg/uploads.json under the working directory, so a push run again
 * asks the registry which parts of that session it already has instead of starting over.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SavedUpload {
  upload_id: string;
  part_size: number;
  started_at: string;
}

interface StateFile {
  uploads: Record<string, SavedUpload>;
}

/** One key per registry, model, version, artifact path and content: a changed file never resumes stale parts. */
export const uploadKey = (a: { url: string; model: string; version: string; path: string; sha256: string }) =>
  `${a.url} ${a.model}@${a.version} ${a.path} sha256:${a.sha256}`;

export class UploadState {
  private readonly file: string;
  private state: StateFile;

  constructor(readonly dir: string) {
    this.file = join(dir, "uploads.json");
    this.state = load(this.file);
  }

  get(key: string): SavedUpload | undefined {
    return this.state.uploads[key];
  }

  remember(key: string, upload: SavedUpload): void {
    this.state.uploads[key] = upload;
    this.save();
  }

  forget(key: string): void {
    if (!(key in this.state.uploads)) return;
    delete this.state.uploads[key];
    this.save();
  }

  /** Written whole and renamed into place, so a push killed mid-write leaves the previous state, not half a file. */
  private save(): void {
    mkdirSync(this.dir, { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(temp, this.file);
  }
}

function load(file: string): StateFile {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<StateFile>;
    return { uploads: parsed.uploads && typeof parsed.uploads === "object" ? parsed.uploads : {} };
  } catch {
    // Missing or unreadable state only costs a fresh session; the registry still resumes by artifact.
    return { uploads: {} };
  }
}
