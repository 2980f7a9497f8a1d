import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { MIME_BUNDLE, MimeBundle, mimeBundleOf } from "./mime";

/** Where display output goes: the kernel installs one; plain Node prints text. */
export interface DisplaySink {
  show(bundle: MimeBundle, displayId: string): void;
  update(bundle: MimeBundle, displayId: string): void;
  clear(wait: boolean): void;
}

const printingSink: DisplaySink = {
  show: (bundle) => console.log(String(bundle["text/plain"] ?? "")),
  update: (bundle) => console.log(String(bundle["text/plain"] ?? "")),
  clear: () => undefined,
};

let sink: DisplaySink = printingSink;

export function setDisplaySink(newSink: DisplaySink | null): void {
  sink = newSink ?? printingSink;
}

/** Whether a frontend shows display output (the kernel's sink), rather than plain Node printing it. */
export function hasDisplaySink(): boolean {
  return sink !== printingSink;
}

type Render<T> = (value: T) => MimeBundle;

/** A shown output; `update` replaces it in place (update_display_data). */
export class DisplayHandle<T = unknown> {
  readonly displayId = randomUUID();
  constructor(private readonly render: Render<T>) {}

  show(value: T): this {
    sink.show(this.render(value), this.displayId);
    return this;
  }

  update(value: T): void {
    sink.update(this.render(value), this.displayId);
  }

  /** The output is already shown: as a cell's value, the handle shows nothing more. */
  [MIME_BUNDLE](): null {
    return null;
  }

  [inspect.custom](): string {
    return `DisplayHandle(${this.displayId})`;
  }
}

function shower<T>(render: Render<T>) {
  return (value: T): DisplayHandle<T> => new DisplayHandle(render).show(value);
}

const textOf = (mime: string, fallback: string) => (data: string) => ({ [mime]: data, "text/plain": fallback });

/** Shows a value (its richest form) and returns a handle to update it in place. */
const anyValue = (value: unknown): MimeBundle => mimeBundleOf(value) ?? { "text/plain": "" };

export const display = Object.assign(shower<unknown>(anyValue), {
  html: shower(textOf("text/html", "<HTML>")),
  markdown: shower((md: string) => ({ "text/markdown": md, "text/plain": md })),
  svg: shower(textOf("image/svg+xml", "<SVG image>")),
  png: shower((png: Uint8Array | string) => ({
    "image/png": typeof png === "string" ? png : Buffer.from(png).toString("base64"),
    "text/plain": "<PNG image>",
  })),
  json: shower((data: unknown) => ({ "application/json": data, "text/plain": JSON.stringify(data, null, 2) })),
  text: shower((text: string) => ({ "text/plain": text })),
  vegalite: shower((spec: object) => ({
    "application/vnd.vegalite.v5+json": spec,
    "text/plain": "<Vega-Lite chart>",
  })),
  /** Any MIME bundle, as is. */
  bundle: shower((bundle: MimeBundle) => bundle),
  /** Clears the cell's output; with `wait`, only when the next output arrives. */
  clear(wait = false): void {
    sink.clear(wait);
  },
});
