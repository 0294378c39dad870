// Counts for the request path: a plain number per label combination, incremented in place; they are copied into
// their prom-client counter when it is scraped (prom-client's own inc hashes the labels on every call).
import type { Counter } from "prom-client";

export interface Cell {
  n: number;
}

export class Tally<L extends string> {
  private readonly cells: { labels: Partial<Record<L, string>>; cell: Cell }[] = [];

  /** A new cell for these labels (cells with equal labels add up). Keep it: incrementing it is the whole cost. */
  cell(labels: Partial<Record<L, string>>): Cell {
    const cell = { n: 0 };
    this.cells.push({ labels, cell });
    return cell;
  }

  /** For the counter's collect(): its values become the cells' sums, series at 0 included. */
  copyInto(counter: Counter<L>): void {
    counter.reset();
    for (const { labels, cell } of this.cells) counter.inc(labels, cell.n);
  }
}
