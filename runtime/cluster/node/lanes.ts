// The rows of a node's timeline for what the local timeline does not place (an actor's
// calls, a job that failed; a task reports the worker thread that ran it): each running one
// takes the lowest free lane, from 1 as worker threads are numbered, so that a Gantt chart
// shows them side by side.
export class Lanes {
  private readonly busy = new Set<number>();

  take(): number {
    let lane = 1;
    while (this.busy.has(lane)) lane++;
    this.busy.add(lane);
    return lane;
  }

  give(lane: number): void {
    this.busy.delete(lane);
  }
}
