import { XMLValidator } from "fast-xml-parser";

export function isWellFormedXml(text: string): boolean {
  return XMLValidator.validate(text) === true;
}

/** The bars Vega draws for a bar mark (each a path in the rect mark group). */
export function barCount(svg: string): number {
  return svg.match(/aria-roledescription="bar"/g)?.length ?? 0;
}
