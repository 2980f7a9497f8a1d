// Input history, kept across kernel restarts in a JSON-lines file under the Jupyter data
// directory; answers the three kinds of history_request (tail, range, search).
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export type HistoryEntry = [session: number, line: number, input: string];
/** With `output: true` the protocol wants [session, line, [input, output]]; outputs are not kept. */
export type HistoryReplyEntry = HistoryEntry | [session: number, line: number, inout: [string, null]];

export function jupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  const xdg = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(xdg, "jupyter");
}

export interface HistoryRequest {
  hist_access_type?: string;
  n?: number;
  session?: number;
  start?: number;
  stop?: number;
  pattern?: string;
  unique?: boolean;
  output?: boolean;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}

export class History {
  private readonly entries: HistoryEntry[] = [];
  private session = 1;
  private line = 0;

  constructor(private readonly file = join(jupyterDataDir(), "tsray", "history.jsonl")) {
    this.entries = this.load();
    this.newSession();
  }

  private load(): HistoryEntry[] {
    let text = "";
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter(Boolean)
      .flatMap((row) => {
        try {
          const entry = JSON.parse(row);
          return Array.isArray(entry) && entry.length === 3 ? [entry as HistoryEntry] : [];
        } catch {
          return []; // a torn last line from a killed kernel: skip it
        }
      });
  }

  /** A kernel start or restart begins a new session, as in IPython. */
  newSession(): void {
    this.session = this.entries.reduce((max, [session]) => Math.max(max, session), 0) + 1;
    this.line = 0;
  }

  record(input: string): void {
    const entry: HistoryEntry = [this.session, ++this.line, input];
    this.entries.push(entry);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(entry) + "\n");
    } catch (error) {
      console.error(`tsray: cannot save history to ${this.file}: ${(error as Error).message}`);
    }
  }

  query(request: HistoryRequest): HistoryReplyEntry[] {
    const entries = this.select(request);
    return request.output ? entries.map(([session, line, input]) => [session, line, [input, null]]) : entries;
  }

  private select(request: HistoryRequest): HistoryEntry[] {
    switch (request.hist_access_type) {
      case "tail":
        return this.entries.slice(-Math.max(0, request.n ?? 10));
      case "range":
        return this.range(request.session ?? 0, request.start ?? 1, request.stop);
      case "search":
        return this.search(request.pattern ?? "*", request.n, request.unique ?? false);
      default:
        return [];
    }
  }

  /** session 0 is the current one; a negative session counts back from it. */
  private range(session: number, start: number, stop?: number): HistoryEntry[] {
    const wanted = session <= 0 ? this.session + session : session;
    return this.entries.filter(([s, line]) => s === wanted && line >= start && (stop === undefined || stop === null || line < stop));
  }

  private search(pattern: string, n: number | undefined, unique: boolean): HistoryEntry[] {
    const matcher = globToRegExp(pattern);
    let found = this.entries.filter(([, , input]) => matcher.test(input));
    if (unique) {
      const seen = new Set<string>();
      found = found
        .reverse()
        .filter(([, , input]) => !seen.has(input) && seen.add(input) !== undefined)
        .reverse();
    }
    return n ? found.slice(-n) : found;
  }
}
