// Actors through the real kernel: a class extending one from an earlier cell, the printed
// handle, an actor's console output in the calling cell, a constructor error in a cell.
import { expect } from "chai";
import { sharedTestKernel, stdoutOf, resultText } from "./support/kernel";

describe("actors in the kernel", function () {
  const session = sharedTestKernel();
  const run = session.run;

  it("makes an actor of a class extending an earlier cell's class; prints its handle", async () => {
    await run("ray.init({ numCpus: 2 });\nconst SIZE = 4;\nclass Game {\n  steps = 0;\n  step(n: number) { this.steps += n; return this.steps * SIZE; }\n}");
    const { reply, messages } = await run(
      "const RayGame = ray.remote(class extends Game {\n  getSteps() { console.log('steps', this.steps); return this.steps; }\n});\nconst game = RayGame.remote();\ngame"
    );
    expect(reply.content.status).to.equal("ok");
    expect(resultText(messages)).to.match(/^Actor\(Game, [0-9a-f]{32}\)$/);
    const stepped = await run("await ray.get(game.step.remote(3))");
    expect(resultText(stepped.messages)).to.equal("12");
    const got = await run("await ray.get(game.getSteps.remote())");
    expect(resultText(got.messages)).to.equal("3");
    expect(stdoutOf(got.messages)).to.match(/\(Game pid=\d+\) steps 3/);
  });

  it("shows a constructor error as RayActorError in the cell", async () => {
    const { reply } = await run("class Bad { constructor() { throw new Error('no board'); } ping() { return 1; } }\nconst bad = ray.remote(Bad).remote();\nawait ray.get(bad.ping.remote())");
    expect(reply.content.ename).to.equal("RayActorError");
    expect(reply.content.evalue).to.contain("no board");
  });
});
