import { createInterface } from "node:readline";

/** Asks the user for a line of text; the kernel routes this to the notebook. */
export type InputSource = (prompt: string, password: boolean) => Promise<string>;

const terminalInput: InputSource = (prompt) =>
  new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    rl.question(prompt, (answer) => {
      rl.close();
      resolve(answer);
    });
  });

let source: InputSource = terminalInput;

export function setInputSource(newSource: InputSource | null): void {
  source = newSource ?? terminalInput;
}

/** Python's input(): `const name = await input("name? ")`. */
export function input(prompt = "", options: { password?: boolean } = {}): Promise<string> {
  return source(String(prompt), options.password ?? false);
}
