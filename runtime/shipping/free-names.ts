// Which names a function's source uses without declaring them, found with the TypeScript
// parser tslab already loads. `exports.X` (how tslab writes a use of an earlier cell's X)
// is reported separately.
import ts from "@tslab/typescript-for-tslab";

export interface FreeNames {
  free: Set<string>;
  exportsRefs: Set<string>;
}

function bindingNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, into);
}

/** Names declared directly in a scope node (block scoping approximated per function). */
function declaredIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (child: ts.Node): void => {
    if (ts.isVariableDeclaration(child)) bindingNames(child.name, names);
    else if ((ts.isFunctionDeclaration(child) || ts.isClassDeclaration(child)) && child.name) names.add(child.name.text);
    if (ts.isFunctionLike(child) || ts.isClassLike(child)) return;
    ts.forEachChild(child, visit);
  };
  ts.forEachChild(node, visit);
  return names;
}

function isReference(id: ts.Identifier): boolean {
  const parent = id.parent;
  if (!parent) return true;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) ||
    ts.isGetAccessor(parent) || ts.isSetAccessor(parent) || ts.isPropertySignature(parent) || ts.isEnumMember(parent)) && parent.name === id) return false;
  if ((ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) && parent.label === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  if ((ts.isFunctionLike(parent) || ts.isClassLike(parent) || ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) &&
    (parent as { name?: ts.Node }).name === id) return false;
  if (ts.isMetaProperty(parent)) return false;
  return true;
}

export function freeNamesOfNode(root: ts.Node): FreeNames {
  const free = new Set<string>();
  const exportsRefs = new Set<string>();
  const scopes: Set<string>[] = [];
  const bound = (name: string) => scopes.some((scope) => scope.has(name));
  const visit = (node: ts.Node): void => {
    let scope: Set<string> | undefined;
    if (ts.isFunctionLike(node)) {
      scope = new Set<string>();
      if ((ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node)) && node.name) scope.add(node.name.text);
      for (const parameter of node.parameters) bindingNames(parameter.name, scope);
      const body = (node as { body?: ts.Node }).body;
      if (body) for (const name of declaredIn(body)) scope.add(name);
      scope.add("arguments");
    } else if (ts.isClassLike(node) && node.name) {
      scope = new Set([node.name.text]);
    } else if (ts.isCatchClause(node) && node.variableDeclaration) {
      scope = new Set<string>();
      bindingNames(node.variableDeclaration.name, scope);
    } else if (ts.isBlock(node) || ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isSourceFile(node)) {
      scope = declaredIn(node);
    }
    if (scope) scopes.push(scope);
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "exports" && !bound("exports")) {
      exportsRefs.add(node.name.text);
    } else if (ts.isShorthandPropertyAssignment(node)) {
      if (!bound(node.name.text)) free.add(node.name.text);
    } else if (ts.isIdentifier(node) && isReference(node) && !bound(node.text)) {
      free.add(node.text);
    }
    ts.forEachChild(node, visit);
    if (scope) scopes.pop();
  };
  visit(root);
  return { free, exportsRefs };
}

export function parse(source: string, fileName = "function.js"): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
}

/** Free names of a function or class given as source (fn.toString()). */
export function freeNamesOf(source: string): FreeNames {
  const file = parse(`(${source})`);
  const statement = file.statements[0];
  return freeNamesOfNode(statement);
}

export interface TopLevelDeclaration {
  text: string;
  /** Offset of the statement in the script. */
  start: number;
  names: FreeNames;
  isImport: boolean;
}

/**
 * Top-level declarations of a script, by name: a module's statements, or those of a
 * tslab cell (its code is wrapped in `(async function(exports, require) { ... })(...)`).
 */
export function topLevelDeclarations(source: string): Map<string, TopLevelDeclaration> {
  const file = parse(source);
  let statements: readonly ts.Statement[] = file.statements;
  const first = statements[0];
  if (statements.length === 1 && ts.isExpressionStatement(first) && ts.isCallExpression(first.expression)) {
    let callee: ts.Expression = first.expression.expression;
    while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
    if (ts.isFunctionExpression(callee) && callee.body) statements = callee.body.statements;
  }
  const declarations = new Map<string, TopLevelDeclaration>();
  for (const statement of statements) {
    const names = new Set<string>();
    if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bindingNames(d.name, names);
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.add(statement.name.text);
    if (names.size === 0) continue;
    const text = statement.getText(file);
    const info: TopLevelDeclaration = {
      text,
      start: statement.getStart(file),
      names: freeNamesOfNode(statement),
      isImport: /\brequire\(/.test(text),
    };
    for (const name of names) {
      info.names.free.delete(name);
      declarations.set(name, info);
    }
  }
  return declarations;
}
