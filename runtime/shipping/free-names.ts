// Which names a function's source uses without declaring them. The source is the JavaScript
// that `Function.prototype.toString` gives (in a cell, the code tslab compiled), so a
// JavaScript parser made for that, acorn, reads it: it loads in about 10 ms, where the
// TypeScript compiler took 150 ms at a plain program's first `.remote()` (and about 40 MB).
// Scopes are approximated per function (as `var` would have them). `exports.X` (how tslab
// writes a use of an earlier cell's X) is reported separately.
import { parse as parseScript, type AnyNode, type Node, type Pattern, type Program, type Statement } from "acorn";

export interface FreeNames {
  free: Set<string>;
  exportsRefs: Set<string>;
}

type Any = AnyNode & Record<string, unknown>;

function isNode(value: unknown): value is Any {
  return typeof value === "object" && value !== null && typeof (value as Node).type === "string";
}

/** The node's child nodes, in source order. */
function childrenOf(node: Any): Any[] {
  const out: Any[] = [];
  for (const key in node) {
    if (key === "type" || key === "start" || key === "end" || key === "loc" || key === "range") continue;
    const value = node[key];
    if (Array.isArray(value)) for (const item of value) if (isNode(item)) out.push(item);
    if (isNode(value)) out.push(value);
  }
  return out;
}

function bindingNames(pattern: Pattern | null | undefined, into: Set<string>): void {
  if (!pattern) return;
  if (pattern.type === "Identifier") into.add(pattern.name);
  else if (pattern.type === "ObjectPattern") for (const p of pattern.properties) bindingNames(p.type === "RestElement" ? p.argument : (p.value as Pattern), into);
  else if (pattern.type === "ArrayPattern") for (const element of pattern.elements) bindingNames(element, into);
  else if (pattern.type === "RestElement") bindingNames(pattern.argument, into);
  else if (pattern.type === "AssignmentPattern") bindingNames(pattern.left, into);
}

const isFunction = (node: Any) => node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
const isClass = (node: Any) => node.type === "ClassDeclaration" || node.type === "ClassExpression";

/** Names declared directly in a scope node (nested functions and classes keep theirs). */
function declaredIn(node: Any): Set<string> {
  const names = new Set<string>();
  const visit = (child: Any): void => {
    if (child.type === "VariableDeclarator") bindingNames(child.id, names);
    else if ((child.type === "FunctionDeclaration" || child.type === "ClassDeclaration") && child.id) names.add(child.id.name);
    if (isFunction(child) || isClass(child)) return;
    childrenOf(child).forEach(visit);
  };
  childrenOf(node).forEach(visit);
  return names;
}

/** The names a scope node declares for what is inside it, or undefined if it is no scope. */
function scopeOf(node: Any): Set<string> | undefined {
  if (isFunction(node)) {
    const fn = node as Any & { id?: { name: string } | null; params: Pattern[]; body: Any };
    const scope = new Set<string>(["arguments"]);
    if (fn.type !== "ArrowFunctionExpression" && fn.id) scope.add(fn.id.name);
    for (const param of fn.params) bindingNames(param, scope);
    for (const name of declaredIn(fn.body)) scope.add(name);
    return scope;
  }
  if (isClass(node)) return node.id ? new Set([node.id.name as string]) : undefined;
  if (node.type === "CatchClause") {
    const scope = new Set<string>();
    bindingNames(node.param, scope);
    return scope;
  }
  if (["BlockStatement", "ForStatement", "ForOfStatement", "ForInStatement", "Program", "StaticBlock"].includes(node.type)) return declaredIn(node);
  return undefined;
}

/** The children of `node` that name something rather than refer to a variable (keys, labels, declared names). */
function nonReferences(node: Any): Set<unknown> {
  const skip = new Set<unknown>();
  switch (node.type) {
    case "MemberExpression":
      if (!node.computed) skip.add(node.property);
      break;
    case "Property":
    case "MethodDefinition":
    case "PropertyDefinition":
      if (!node.computed) skip.add(node.key);
      break;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
      skip.add(node.label);
      break;
    case "MetaProperty":
      skip.add(node.meta).add(node.property);
      break;
  }
  if ((isFunction(node) || isClass(node)) && node.id) skip.add(node.id);
  return skip;
}

function freeNamesOfNode(root: Any): FreeNames {
  const free = new Set<string>();
  const exportsRefs = new Set<string>();
  const scopes: Set<string>[] = [];
  const bound = (name: string) => scopes.some((scope) => scope.has(name));
  const visit = (node: Any): void => {
    const scope = scopeOf(node);
    if (scope) scopes.push(scope);
    if (node.type === "MemberExpression" && !node.computed && node.object.type === "Identifier" && node.object.name === "exports" && !bound("exports")) {
      if (node.property.type === "Identifier") exportsRefs.add(node.property.name);
    } else if (node.type === "Identifier" && !bound(node.name)) {
      free.add(node.name);
    }
    const skip = nonReferences(node);
    for (const child of childrenOf(node)) if (!skip.has(child)) visit(child);
    if (scope) scopes.pop();
  };
  visit(root);
  return { free, exportsRefs };
}

function parse(source: string): Program {
  return parseScript(source, { ecmaVersion: "latest", sourceType: "script", allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true });
}

/** Free names of a function or class given as source (fn.toString()). */
export function freeNamesOf(source: string): FreeNames {
  const file = parse(`(${source})`);
  return freeNamesOfNode(file.body[0] as Any);
}

export interface TopLevelDeclaration {
  text: string;
  /** Offset of the statement in the script. */
  start: number;
  names: FreeNames;
  isImport: boolean;
}

/** A tslab cell's code is wrapped in `(async function(exports, require) { ... })(...)`: its statements are that function's. */
function cellStatements(file: Program): Statement[] | undefined {
  const first = file.body[0];
  if (file.body.length !== 1 || first.type !== "ExpressionStatement" || first.expression.type !== "CallExpression") return undefined;
  const callee = first.expression.callee;
  return callee.type === "FunctionExpression" ? callee.body.body : undefined;
}

/** Top-level declarations of a script, by name: a module's statements, or those of a tslab cell. */
export function topLevelDeclarations(source: string): Map<string, TopLevelDeclaration> {
  const file = parse(source);
  const statements = cellStatements(file) ?? (file.body as Statement[]);
  const declarations = new Map<string, TopLevelDeclaration>();
  for (const statement of statements) {
    const names = new Set<string>();
    if (statement.type === "VariableDeclaration") for (const d of statement.declarations) bindingNames(d.id, names);
    else if ((statement.type === "FunctionDeclaration" || statement.type === "ClassDeclaration") && statement.id) names.add(statement.id.name);
    if (names.size === 0) continue;
    const text = source.slice(statement.start, statement.end);
    const info: TopLevelDeclaration = { text, start: statement.start, names: freeNamesOfNode(statement as Any), isImport: /\brequire\(/.test(text) };
    for (const name of names) {
      info.names.free.delete(name);
      declarations.set(name, info);
    }
  }
  return declarations;
}
