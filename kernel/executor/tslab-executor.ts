// tslab's converter (type checking, top-level await, redeclarations across cells) and
// executor, with its console hooks turned into structured results. tslab reports through
// the console it is given: log(value) for the cell's last expression, error(format, file,
// line, column, message) for each compile diagnostic, error(thrown) for a runtime error.
// The earlier cells' declarations are kept here rather than by tslab, which drops a cell's
// declarations when it throws or is interrupted although the values it assigned stay.
import vm from "node:vm";
import type { Converter } from "tslab/dist/converter";
import type { Executor } from "tslab/dist/executor";
import { CompileDiagnostic } from "./error-report";
import { TypeScriptForTslab, loadTypeScriptForTslab } from "../compiler/load-typescript";
import { announcing } from "./announced-scripts";
import { hasTopLevelForAwait } from "../compiler/top-level-for-await";
import type { CellConversions } from "../compiler/typescript-for-tslab";
import type { DeclarationsAhead } from "../compiler/declarations-ahead";

export interface CellRun {
  ok: boolean;
  hasValue: boolean;
  value?: unknown;
  diagnostics: CompileDiagnostic[];
  thrown?: { error: unknown };
  javascript: string;
}

const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

/**
 * tslab's converter drives TypeScript's watch program with a single fake timer; when
 * files it watches change under it (seen when the package's dist/ was rebuilt while a
 * kernel ran), two rebuilds overlap and every later conversion throws this. The
 * converter keeps no user state (tslab's executor keeps the declarations), so a fresh
 * one carries on where the broken one stopped.
 */
const BROKEN_CONVERTER = /Unexpected pending rebuildTimer|rebuildTimer is not set properly/;

export class CellExecutor {
  private converter: Converter;
  private readonly createConverter: () => Converter;
  private readonly executor: Executor;
  private run: CellRun = CellExecutor.emptyRun();
  private scriptFilename = "cell.js";
  private restoreVm = () => {};
  private readonly typescript: TypeScriptForTslab;
  /** The modules cells defined (`//%module: name`), which a fresh converter is given again. */
  private readonly modules = new Map<string, Parameters<Converter["addModule"]>>();
  private readonly conversions: CellConversions;
  private readonly declarationsAhead: DeclarationsAhead;
  /** What the cells run so far declared: each conversion is checked against it. */
  private earlierDeclarations = "";
  /** The declarations after this cell, known once it is converted without error. */
  private cellDeclarations?: string;

  /** `beforeRun` is called as a cell's code is about to run; what it throws is the cell's error. */
  constructor(rootDir: string, private readonly beforeRun: () => void = () => undefined) {
    // TypeScript must be in the module cache before tslab requires it.
    const typescript = (this.typescript = loadTypeScriptForTslab());
    this.conversions = typescript.conversions;
    this.declarationsAhead = typescript.declarationsAhead;
    const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
    const { createExecutor } = require("tslab/dist/executor") as typeof import("tslab/dist/executor");
    this.createConverter = () => createConverter({});
    this.converter = this.createConverter();
    const capture = this.captureConversion();
    this.executor = createExecutor(rootDir, { node: capture, browser: capture, close: () => this.converter.close() }, {
      log: (value: unknown) => Object.assign(this.run, { hasValue: true, value }),
      error: (first: unknown, ...rest: unknown[]) => this.recordError(first, rest),
    });
    this.nameScripts();
  }

  private static emptyRun(): CellRun {
    return { ok: false, hasValue: false, diagnostics: [], javascript: "" };
  }

  /**
   * The converter tslab's executor sees: the current converter, replaced when it breaks,
   * and keeping the JavaScript of each conversion to map stack frames back to cell lines.
   */
  private captureConversion(): Converter {
    return {
      convert: (_tslabDeclarations, src) => {
        const result = this.withWorkingConverter((converter) => this.conversions.during(() => converter.convert(this.earlierDeclarations, src)));
        this.run.javascript = result.output ?? "";
        if (result.diagnostics.length === 0) this.cellDeclarations = result.declOutput ?? "";
        if (result.output !== undefined && !result.hasToplevelAwait && hasTopLevelForAwait(src)) return { ...result, hasToplevelAwait: true };
        return result;
      },
      inspect: (_tslabDeclarations, src, position) => this.withWorkingConverter((c) => c.inspect(this.earlierDeclarations, src, position)),
      complete: (_tslabDeclarations, src, position) => this.withWorkingConverter((c) => c.complete(this.earlierDeclarations, src, position)),
      addModule: (name, content, meta) => {
        this.modules.set(name, [name, content, meta]);
        return this.withWorkingConverter((c) => c.addModule(name, content, meta));
      },
      close: () => this.converter.close(),
    };
  }

  private withWorkingConverter<T>(use: (converter: Converter) => T): T {
    try {
      return use(this.converter);
    } catch (error) {
      if (!BROKEN_CONVERTER.test(String((error as Error)?.message))) throw error;
      this.replaceConverter();
      return use(this.converter);
    }
  }

  /** A fresh converter (a new watch program), with the modules cells defined. */
  private replaceConverter(): void {
    this.converter.close();
    this.converter = this.createConverter();
    for (const args of this.modules.values()) this.converter.addModule(...args);
  }

  /**
   * What can wait until the kernel has answered (see loadTypeScriptForTslab). Once the
   * declaration files have their docs back and are combined, a fresh converter takes them:
   * the old one's watch program holds the files it read (40 MB) for as long as it lives.
   */
  readonly finishStarting = (): void => {
    if (this.typescript.declarationsAtRest()) this.replaceConverter();
    this.typescript.finishStarting();
  };

  /**
   * tslab runs cells with vm.runInThisContext and no file name; give each cell its own, and
   * have it announce itself to the runtime.
   */
  private nameScripts(): void {
    const original = vm.runInThisContext;
    const executor = this;
    this.restoreVm = () => (vm.runInThisContext = original);
    vm.runInThisContext = function (code: string, options?: vm.RunningScriptOptions | string) {
      executor.startRunning();
      const opts = { filename: executor.scriptFilename, ...(typeof options === "string" ? { filename: options } : options) };
      return original.call(vm, announcing(code, opts.filename), opts);
    } as typeof vm.runInThisContext;
  }

  /** A cell stopped by `beforeRun` did not run: it leaves the declarations as they were. */
  private startRunning(): void {
    try {
      this.beforeRun();
    } catch (error) {
      this.cellDeclarations = undefined;
      throw error;
    }
  }

  private recordError(first: unknown, rest: unknown[]): void {
    if (first === DIAGNOSTIC_FORMAT) {
      const [filePrefix, line, column, message] = rest as [string, number, number, string];
      const file = filePrefix.trim() || undefined;
      this.run.diagnostics.push({ file, line, column, message });
    } else {
      this.run.thrown = { error: first };
    }
  }

  /**
   * Runs a cell. A cell that started keeps its declarations even when it throws or is
   * interrupted, as a Python cell keeps what it assigned before it failed: the names it
   * assigned keep their values, the names after the failure hold undefined.
   */
  async execute(code: string, scriptFilename: string): Promise<CellRun> {
    this.run = CellExecutor.emptyRun();
    this.cellDeclarations = undefined;
    this.scriptFilename = scriptFilename;
    const run = this.run;
    run.ok = await this.executor.execute(code);
    if (this.cellDeclarations !== undefined) this.earlierDeclarations = this.cellDeclarations;
    return run;
  }

  /** Gets the next cell's declarations ready: for while the kernel waits for a cell. */
  readonly prepareNextCell = (): void => this.declarationsAhead.prepare(this.earlierDeclarations);

  /** Stops TypeScript's file watching and gives vm back, so that the process can end. */
  close(): void {
    this.executor.close();
    this.restoreVm();
  }

  /** Abandons an awaited cell (its promise keeps running, the cell returns). */
  interrupt(): void {
    this.executor.interrupt();
  }

  complete(code: string, cursor: number) {
    return this.executor.complete(code, cursor);
  }

  inspect(code: string, cursor: number) {
    return this.executor.inspect(code, cursor);
  }
}
