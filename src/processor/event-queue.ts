/**
 * A bounded FIFO with O(1) push and batch take: the only thing the application's thread
 * touches when it hands over a record.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** False (and nothing queued) when full. */
  push(item: T): boolean {
    if (this.items.length - this.head >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Removes and returns up to `count` items, oldest first. */
  take(count: number): T[] {
    const end = Math.min(this.items.length, this.head + count);
    const taken = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }
}
