// The built-in Error classes, by name: what an error keeps of its class when it crosses
// to the driver or a worker (a task error is an instance of it, a copied error is rebuilt
// on it when its own class is not known there).

export const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError,
};

/** The most derived built-in Error class `error` is an instance of, if any. */
export function builtinErrorName(error: unknown): string | undefined {
  for (const [name, ctor] of Object.entries(BUILTIN_ERRORS).reverse()) if (error instanceof ctor) return name;
  return undefined;
}
