import { inspect } from "node:util";

/** A Jupyter MIME bundle: MIME type to data. */
export type MimeBundle = Record<string, unknown>;

/**
 * Objects that want a richer picture than their text offer a method under this symbol
 * returning a MIME bundle (the TypeScript counterpart of IPython's _repr_mimebundle_),
 * or null for "nothing to show" (a display handle, say, as the last line of a cell).
 */
export const MIME_BUNDLE = Symbol.for("tsray.mimeBundle");

interface RichObject {
  [MIME_BUNDLE](): MimeBundle | null;
}

function isRich(value: unknown): value is RichObject {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as Partial<RichObject>)[MIME_BUNDLE] === "function"
  );
}

/** The text a value prints as: Node's inspect, strings quoted as in a REPL. */
export function plainText(value: unknown): string {
  return inspect(value, { colors: false, depth: 4, maxArrayLength: 100 });
}

export function mimeBundleOf(value: unknown): MimeBundle | null {
  const rich = isRich(value) ? value[MIME_BUNDLE]() : {};
  return rich === null ? null : { "text/plain": plainText(value), ...rich };
}
