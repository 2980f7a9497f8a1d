// The chart helpers: a Gantt spec from timeline events, rendered to SVG in Node.
import { expect } from "chai";
import { charts, TaskSpan } from "../preload/charts";
import { barCount, isWellFormedXml } from "./support/svg";

describe("charts", () => {
  const base = 1_700_000_000e6;
  // Two workers, FIFO: tasks of 0..3 s, as lesson 02 runs them on W = 2.
  const spans: TaskSpan[] = [
    { name: "expensive", ts: base, dur: 0, tid: "worker 0" },
    { name: "expensive", ts: base, dur: 1e6, tid: "worker 1" },
    { name: "expensive", ts: base, dur: 2e6, tid: "worker 0" },
    { name: "expensive", ts: base + 1e6, dur: 3e6, tid: "worker 1" },
  ];

  it("gantt puts one bar per task on its worker's row, in seconds from the first start", () => {
    const spec = charts.gantt(spans) as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values.map((v) => [v.worker, v.start, v.end])).to.deep.equal([
      ["worker 0", 0, 0],
      ["worker 1", 0, 1],
      ["worker 0", 0, 2],
      ["worker 1", 1, 4],
    ]);
  });

  it("gantt orders workers by number", () => {
    const many = [10, 9, 2].map((w) => ({ ...spans[1], tid: `worker ${w}` }));
    const spec = charts.gantt(many) as { encoding: { y: { sort: string[] } } };
    expect(spec.encoding.y.sort).to.deep.equal(["worker 2", "worker 9", "worker 10"]);
  });

  it("gantt groups a cluster's workers by node, each node's by number", () => {
    const rows = ["worker 1 (node b/2)", "worker 10 (node a/1)", "worker 0 (node b/2)", "worker 2 (node a/1)"];
    const spec = charts.gantt(rows.map((tid) => ({ ...spans[1], tid }))) as { encoding: { y: { sort: string[] } } };
    expect(spec.encoding.y.sort).to.deep.equal(["worker 2 (node a/1)", "worker 10 (node a/1)", "worker 0 (node b/2)", "worker 1 (node b/2)"]);
  });

  it("svg renders the spec in Node as well-formed SVG with a bar per task", async () => {
    const svg = await charts.svg(charts.gantt(spans));
    expect(isWellFormedXml(svg)).to.equal(true);
    expect(svg).to.match(/^<svg /);
    expect(barCount(svg)).to.equal(spans.length);
    expect(svg).to.contain("worker 1");
  });
});
