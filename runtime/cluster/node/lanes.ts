// The rows of a node's timeline: each running task takes the lowest free lane, so that a
// Gantt chart of the cluster shows a node's tasks side by side as its workers ran them.
export class Lanes {
  private readonly busy = new Set<number>();

  take(): number {
    let lane = 0;
    while (this.busy.has(lane)) lane++;
    this.busy.add(lane);
    return lane;
  }

  give(lane: number): void {
    this.busy.delete(lane);
  }
}
