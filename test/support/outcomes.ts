// How a call ended, for tests: the error it rejected with or threw (failing the test if it
// did not), and what it printed.
import { expect } from "chai";

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  return expect.fail("resolved, expected a rejection");
}

/** The error a call throws; fails the test if it returns. */
export function thrownBy(call: () => unknown): Error {
  try {
    call();
  } catch (error) {
    return error as Error;
  }
  return expect.fail("returned, expected it to throw");
}

/** What the driver's process writes to stdout while `body` runs. */
export async function stdoutDuring(body: () => Promise<unknown>): Promise<string> {
  const write = process.stdout.write;
  let text = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await body();
  } finally {
    process.stdout.write = write;
  }
  return text;
}
