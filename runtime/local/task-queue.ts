// The scheduler's FIFO queue. Tasks leave it from anywhere (a task whose arguments are ready
// starts before an earlier one still waiting for its own), so a task that left is only
// skipped and dropped once it reaches the head: taking one out is O(1) whatever the length
// (200,000 queued tasks must not cost 200,000 moves per dispatch).

export class TaskQueue<T> {
  private items: T[] = [];
  private head = 0;

  /** `waiting(item)`: whether the item is still queued (otherwise it is skipped and dropped). */
  constructor(private readonly waiting: (item: T) => boolean) {}

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts items back at the front, in the order given (retries, prefetched tasks taken back). */
  unshift(items: T[]): void {
    if (items.length <= this.head) {
      this.head -= items.length;
      for (let i = 0; i < items.length; i++) this.items[this.head + i] = items[i];
    } else {
      this.items = [...items, ...this.items.slice(this.head)];
      this.head = 0;
    }
  }

  /** Visits waiting items in order until `visit` returns false. */
  scan(visit: (item: T) => boolean): void {
    const items = this.items;
    for (let i = this.head; i < items.length; i++) {
      if (this.waiting(items[i]) && !visit(items[i])) break;
    }
    while (this.head < items.length && !this.waiting(items[this.head])) this.head++;
    if (this.head === items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }

  /** The first waiting item, if any. */
  first(): T | undefined {
    let found: T | undefined;
    this.scan((item) => {
      found = item;
      return false;
    });
    return found;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
