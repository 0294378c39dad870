// A pause that a stop cuts short: the workers nap between polls and wake at once when told to stop.

export interface Nap {
  /** Resolves after `ms`, or as soon as wake() is called. */
  sleep(ms: number): Promise<void>;
  /** Ends the current sleep now and clears its timer (nothing happens when none runs). */
  wake(): void;
}

export function createNap(): Nap {
  let wake = () => {};
  return {
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    wake: () => wake(),
  };
}
