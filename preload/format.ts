// The lessons' timing printers, matching Python's "%2d" and "%6.3f".

function pad(text: string, width: number): string {
  return text.length >= width ? text : " ".repeat(width - text.length) + text;
}

function withPrefix(prefix: string, text: string): string {
  return prefix ? `${prefix} ${text}` : text;
}

export function formatDuration(duration: number, prefix = ""): string {
  return withPrefix(prefix, `duration: ${pad(duration.toFixed(3), 6)} seconds`);
}

export function formatNDuration(n: number, duration: number, prefix = ""): string {
  return withPrefix(prefix, `n: ${pad(String(Math.trunc(n)), 2)}, duration: ${pad(duration.toFixed(3), 6)} seconds`);
}

/** Prints `n: %2d, duration: %6.3f seconds`, after `prefix` and a space when given. */
export function pnd(n: number, duration: number, prefix = ""): void {
  console.log(formatNDuration(n, duration, prefix));
}

/** Prints `duration: %6.3f seconds`, after `prefix` and a space when given. */
export function pd(duration: number, prefix = ""): void {
  console.log(formatDuration(duration, prefix));
}
