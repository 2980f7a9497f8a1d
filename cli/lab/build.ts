// tsray's own JupyterLab (the `lab/` folder: a JupyterLab 4 application made of the npm
// packages, with its own package.json and lockfile), built once into a cache folder and
// reused: `npm ci` of its pinned packages, then webpack. The folder's name carries a hash of
// the sources, so a tsray upgrade that changes them builds anew and an old build is never
// served. The build happens in a scratch folder renamed into place when it is complete, so
// an interrupted build leaves nothing that looks finished; the packages (about 500 MB) are
// deleted after it, keeping only what the server serves (about 25 MB).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const LAB_SOURCES = resolve(__dirname, "../../../lab");
/** What decides the build: a change in any of them makes a new one. */
const SOURCE_FILES = ["package.json", "package-lock.json", "index.js", "webpack.config.js", "main.py", "templates/index.html"];

export interface LabBuild {
  /** The folder main.py runs from, with build/ and templates/ beside it. */
  folder: string;
  serverScript: string;
}

function cacheRoot(): string {
  const base = process.env.TSRAY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "tsray");
  return resolve(base);
}

function sourceHash(): string {
  const hash = createHash("sha256");
  for (const file of SOURCE_FILES) hash.update(file).update(readFileSync(join(LAB_SOURCES, file)));
  return hash.digest("hex").slice(0, 16);
}

/** Where the build for today's sources is (or will be). */
export function labBuild(): LabBuild {
  const folder = join(cacheRoot(), `jupyterlab-${sourceHash()}`);
  return { folder, serverScript: join(folder, "main.py") };
}

export function isBuilt(build: LabBuild): boolean {
  return existsSync(join(build.folder, "build", "bundle.js")) && existsSync(build.serverScript);
}

/** npm beside this Node first (where Node's installers put it), else the one on PATH. */
function npmCommand(): { command: string; prefix: string[] } {
  const bundled = join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
  return existsSync(bundled) ? { command: process.execPath, prefix: [bundled] } : { command: "npm", prefix: [] };
}

/** Runs a build step with its output into `log`; fails naming the step and the log. */
function step(what: string, command: string, args: string[], cwd: string, log: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log, { flags: "a" });
    out.write(`\n$ ${[command, ...args].join(" ")}\n`);
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on("error", (error) => fail(new Error(`${what} could not start (${error.message}); see ${log}`)));
    child.on("close", (code, signal) => {
      out.end();
      if (code === 0) done();
      else fail(new Error(`${what} failed (${signal ?? `exit ${code}`}); its output is in ${log}`));
    });
  });
}

/**
 * Builds tsray's JupyterLab if today's sources have no build yet; `say` gets one line per
 * step. Resolves to the build; rejects with what failed and where its log is.
 */
export async function ensureLabBuilt(say: (line: string) => void = () => undefined): Promise<LabBuild> {
  const build = labBuild();
  if (isBuilt(build)) return build;
  const scratch = `${build.folder}.partial-${process.pid}`;
  const log = `${build.folder}.log`;
  mkdirSync(dirname(build.folder), { recursive: true });
  rmSync(scratch, { recursive: true, force: true });
  rmSync(log, { force: true });
  for (const file of SOURCE_FILES) cpSync(join(LAB_SOURCES, file), join(scratch, file), { recursive: true });
  const started = Date.now();
  try {
    const npm = npmCommand();
    say("building JupyterLab once, about a minute or two: installing its packages (npm ci)...");
    // No install scripts: the only one (Font Awesome's) prints a notice.
    await step("npm ci of lab/", npm.command, [...npm.prefix, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], scratch, log);
    say("building JupyterLab once: bundling it (webpack)...");
    await step("webpack build of lab/", process.execPath, [join("node_modules", "webpack-cli", "bin", "cli.js")], scratch, log, { ...process.env, NODE_ENV: "development" });
    rmSync(join(scratch, "node_modules"), { recursive: true, force: true });
    rmSync(build.folder, { recursive: true, force: true });
    renameSync(scratch, build.folder);
    say(`built JupyterLab in ${((Date.now() - started) / 1000).toFixed(0)} s into ${build.folder}`);
    return build;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
