// The keys this process stored lately (at most about 2 × `generation`): a hint, never a fact — a batch that repeats one
// is sent straight to the path that reads stored rows, instead of failing the all-new path first.

export class RecentKeys {
  #current = new Set<string>();
  #previous = new Set<string>();

  constructor(private readonly generation = 20_000) {}

  has(key: string): boolean {
    return this.#current.has(key) || this.#previous.has(key);
  }

  hasAny(keys: Iterable<string>): boolean {
    for (const k of keys) if (this.has(k)) return true;
    return false;
  }

  add(keys: Iterable<string>): void {
    for (const k of keys) {
      if (this.#current.size >= this.generation) {
        this.#previous = this.#current; // the oldest generation is forgotten whole: bounded memory, no per-key bookkeeping
        this.#current = new Set();
      }
      this.#current.add(k);
    }
  }
}
