// ray.exceptions and instanceof (API.md section 4): each class matches its own instances
// and its subclasses' only, a task error matches RayTaskError and its built-in class,
// and instances made by another copy of the module match as well.
import { expect } from "chai";
import * as ray from "../runtime";
import { makeTaskError } from "../runtime/core/errors";

const { RayError, RayTaskError, GetTimeoutError, TaskCancelledError, RayActorError, WorkerCrashedError } = ray.exceptions;
type Exceptions = typeof ray.exceptions;

const thrown = (builtin: string) => ({ name: builtin, message: "bad", stack: `${builtin}: bad\n    at f (cell:1:1)`, builtin });

/** One instance of each kind, with the classes it must match (all others must not). */
function kinds(ex: Exceptions, taskError: typeof makeTaskError) {
  return [
    { what: "RayError", value: new ex.RayError("x"), matches: ["RayError"] },
    { what: "GetTimeoutError", value: new ex.GetTimeoutError(), matches: ["RayError", "GetTimeoutError"] },
    { what: "TaskCancelledError", value: new ex.TaskCancelledError("ray::f()"), matches: ["RayError", "TaskCancelledError"] },
    { what: "RayActorError", value: new ex.RayActorError("dead"), matches: ["RayError", "RayActorError"] },
    { what: "WorkerCrashedError", value: new ex.WorkerCrashedError("exit 3"), matches: ["RayError", "WorkerCrashedError"] },
    { what: "OutOfMemoryError", value: new ex.OutOfMemoryError("ray::f()"), matches: ["RayError", "OutOfMemoryError"] },
    { what: "a task's Error", value: taskError("ray::f()", thrown("Error"), "here"), matches: ["RayError", "RayTaskError"] },
    { what: "a task's TypeError", value: taskError("ray::f()", thrown("TypeError"), "here"), matches: ["RayError", "RayTaskError"] },
  ];
}

function expectMatrix(ex: Exceptions, taskError: typeof makeTaskError): void {
  for (const { what, value, matches } of kinds(ex, taskError)) {
    for (const [name, cls] of Object.entries(ray.exceptions)) {
      expect(value instanceof cls, `${what} instanceof ${name}`).to.equal(matches.includes(name));
    }
  }
}

describe("ray.exceptions: instanceof", () => {
  it("matches each class's own instances and its subclasses' only", () => {
    expectMatrix(ray.exceptions, makeTaskError);
  });

  it("keeps a task error an instance of its built-in class, and of no other", () => {
    const typeError = makeTaskError("ray::f()", thrown("TypeError"), "here");
    expect(typeError).to.be.instanceOf(TypeError);
    expect(typeError).to.be.instanceOf(Error);
    expect(typeError).not.to.be.instanceOf(RangeError);
    expect(makeTaskError("ray::f()", thrown("Error"), "here")).not.to.be.instanceOf(TypeError);
  });

  it("matches a user's subclass of a ray exception by the ordinary rule", () => {
    class QuotaTimeout extends GetTimeoutError {}
    const error = new QuotaTimeout();
    expect(error).to.be.instanceOf(QuotaTimeout);
    expect(error).to.be.instanceOf(GetTimeoutError);
    expect(error).to.be.instanceOf(RayError);
    expect(new GetTimeoutError()).not.to.be.instanceOf(QuotaTimeout);
    expect(error).not.to.be.instanceOf(TaskCancelledError);
  });

  it("matches instances made by another copy of the module the same way", () => {
    const file = require.resolve("../runtime/core/errors");
    const original = require.cache[file];
    delete require.cache[file];
    try {
      const copy = require(file) as typeof import("../runtime/core/errors");
      expect(copy.exceptions.RayError).not.to.equal(RayError);
      expectMatrix(copy.exceptions, copy.makeTaskError);
      expect(new copy.exceptions.WorkerCrashedError("exit 3")).to.be.instanceOf(WorkerCrashedError);
      expect(new copy.exceptions.WorkerCrashedError("exit 3")).not.to.be.instanceOf(RayActorError);
      expect(copy.makeTaskError("ray::f()", thrown("RangeError"), "here")).to.be.instanceOf(RayTaskError);
    } finally {
      require.cache[file] = original;
    }
  });
});
