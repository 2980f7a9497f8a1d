// tslab emits a cell as an ES module (its program has `module: ESNext`), lets its own
// "after" transformer store the last expression and point names of earlier cells at
// `exports`, and then turns that text into CommonJS with ts.transpileModule. That second
// pass parses the text again and builds a second program and type checker only to run
// TypeScript's CommonJS transformer: about 2 ms of every cell, a fifth of its time.
//
// Here the CommonJS transformer runs inside the first emit instead, right after tslab's
// transformers, on the same tree: what the second pass would have produced, from the
// same transformer, with the first program's type information. transpileModule then
// hands back the texts this emit produced as they are, and converts anything else as
// before.
import type * as TS from "typescript";
import { internalsOf } from "./typescript-internals";

/** tslab writes every JavaScript file it emits through transpileModule, right away or at the end of the cell. */
const MAX_PENDING_TEXTS = 64;

export class CommonJsInOneEmit {
  /** Emitted texts that are CommonJS already, until transpileModule is asked for them. */
  private readonly converted = new Set<string>();
  private readonly toCommonJs: TS.TransformerFactory<TS.SourceFile>;

  constructor(private readonly ts: typeof TS) {
    const { transformModule } = internalsOf(ts);
    this.toCommonJs = (context) => transformModule(withCommonJsModules(context, ts.ModuleKind.CommonJS));
  }

  /** Makes `builder.emit` write CommonJS when its caller collects the output. */
  convertEmitsOf(builder: TS.BuilderProgram): void {
    const emit = builder.emit.bind(builder);
    builder.emit = (file, writeFile, cancellationToken, emitOnlyDts, transformers) => {
      if (!writeFile || emitOnlyDts) return emit(file, writeFile, cancellationToken, emitOnlyDts, transformers);
      const after = [...(transformers?.after ?? []), this.toCommonJs];
      return emit(file, this.recording(writeFile), cancellationToken, emitOnlyDts, { ...transformers, after });
    };
  }

  /** ts.transpileModule, which returns texts this emit already converted unchanged. */
  readonly transpileModule = (input: string, options: TS.TranspileOptions): TS.TranspileOutput => {
    const toCommonJs = options.compilerOptions?.module === this.ts.ModuleKind.CommonJS;
    if (toCommonJs && this.converted.delete(input)) return { outputText: input, diagnostics: [] };
    return this.ts.transpileModule(input, options);
  };

  private recording(writeFile: TS.WriteFileCallback): TS.WriteFileCallback {
    return (fileName, text, ...rest) => {
      if (fileName.endsWith(".js")) this.remember(text);
      writeFile(fileName, text, ...rest);
    };
  }

  private remember(text: string): void {
    // Only a conversion that failed half-way leaves texts behind; never let them pile up.
    if (this.converted.size >= MAX_PENDING_TEXTS) this.converted.clear();
    this.converted.add(text);
  }
}

/**
 * The emit's transformation context as the module transformer should see it: the same
 * context (its hooks are set through to it), with `module` set to CommonJS.
 */
function withCommonJsModules(context: TS.TransformationContext, commonJs: TS.ModuleKind): TS.TransformationContext {
  const options = { ...context.getCompilerOptions(), module: commonJs };
  return Object.create(context, { getCompilerOptions: { value: () => options } }) as TS.TransformationContext;
}
