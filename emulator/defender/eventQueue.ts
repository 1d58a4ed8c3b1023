// A min-heap of timed lifecycle events. Entries carry a version; an entry whose version no longer matches
// its action's current one is stale and skipped by the caller, so rescheduling never needs removal.

export interface QueuedEvent {
    at: number;
    actionId: string;
    version: number;
}

interface Entry extends QueuedEvent {
    seq: number;
}

export class EventQueue {
    private heap: Entry[] = [];
    private seq = 0;

    get size(): number {
        return this.heap.length;
    }

    push(event: QueuedEvent): void {
        this.heap.push({ ...event, seq: this.seq++ });
        this.up(this.heap.length - 1);
    }

    peek(): QueuedEvent | undefined {
        return this.heap[0];
    }

    pop(): QueuedEvent | undefined {
        const top = this.heap[0];
        if (top === undefined) return undefined;
        const last = this.heap.pop() as Entry;
        if (this.heap.length > 0) {
            this.heap[0] = last;
            this.down(0);
        }
        return top;
    }

    clear(): void {
        this.heap = [];
    }

    // Ties resolve in insertion order, so simultaneous events apply in the order they were scheduled.
    private less(a: Entry, b: Entry): boolean {
        return a.at < b.at || (a.at === b.at && a.seq < b.seq);
    }

    private up(i: number): void {
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (!this.less(this.heap[i], this.heap[p])) break;
            [this.heap[i], this.heap[p]] = [this.heap[p], this.heap[i]];
            i = p;
        }
    }

    private down(i: number): void {
        const n = this.heap.length;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let m = i;
            if (l < n && this.less(this.heap[l], this.heap[m])) m = l;
            if (r < n && this.less(this.heap[r], this.heap[m])) m = r;
            if (m === i) return;
            [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
            i = m;
        }
    }
}
