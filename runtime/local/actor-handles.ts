// Counting an actor's handles in the driver's thread (api/actor.ts tells of each one made):
// once the garbage collector has taken the last, the actor is out of scope, and ends after
// the calls made before (Ray's rule). A handle that left the thread is never counted out.

export class ActorHandleCount {
  private readonly live = new Map<string, number>();
  private readonly registry = new FinalizationRegistry<string>((id) => this.drop(id));

  constructor(private readonly lastGone: (actorId: string) => void) {}

  made(handle: object, actorId: string): void {
    this.live.set(actorId, (this.live.get(actorId) ?? 0) + 1);
    this.registry.register(handle, actorId);
  }

  private drop(actorId: string): void {
    const count = (this.live.get(actorId) ?? 1) - 1;
    if (count > 0) return void this.live.set(actorId, count);
    this.live.delete(actorId);
    this.lastGone(actorId);
  }

  clear(): void {
    this.live.clear();
  }
}
