// A cell reaches the variables of earlier cells through `exports`: tslab's converter
// rewrites each name that refers to an earlier declaration into `exports.name`. It misses
// one place a name can stand: a shorthand property, `{ total }`, whose name TypeScript
// resolves to the new object's property rather than to the variable, so the cell failed
// with "total is not defined". This transformer writes such a property out in full,
// `{ total: exports.total }`, before tslab's own transformers run.
import type * as TS from "typescript";
import { EARLIER_CELLS_FILE } from "./tslab-modules";

function declaredInEarlierCell(symbol: TS.Symbol | undefined): boolean {
  return !!symbol?.declarations?.some((declaration) => EARLIER_CELLS_FILE.test(declaration.getSourceFile().fileName));
}

function shorthandExpander(ts: typeof TS, checker: TS.TypeChecker): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const { factory } = context;
    const visit = (node: TS.Node): TS.Node => {
      if (ts.isShorthandPropertyAssignment(node) && declaredInEarlierCell(checker.getShorthandAssignmentValueSymbol(node))) {
        const earlier = factory.createPropertyAccessExpression(factory.createIdentifier("exports"), node.name.text);
        const initializer = node.objectAssignmentInitializer;
        // `({ total = 0 } = object)` assigns to the earlier variable, with a default.
        const value = initializer ? factory.createAssignment(earlier, ts.visitNode(initializer, visit) as TS.Expression) : earlier;
        return ts.setTextRange(factory.createPropertyAssignment(node.name.text, value), node);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (file) => (file.isDeclarationFile ? file : (ts.visitNode(file, visit) as TS.SourceFile));
  };
}

/** Makes `builder.emit` spell out shorthand properties that name an earlier cell's variable. */
export function expandShorthandOfEarlierNames(ts: typeof TS, builder: TS.BuilderProgram): void {
  const emit = builder.emit.bind(builder);
  builder.emit = (file, writeFile, cancellationToken, emitOnlyDts, transformers) => {
    const checker = builder.getProgram().getTypeChecker();
    const before = [shorthandExpander(ts, checker), ...(transformers?.before ?? [])];
    return emit(file, writeFile, cancellationToken, emitOnlyDts, { ...transformers, before });
  };
}
