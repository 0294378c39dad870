// Bounds a wait: the work's own answer, or a rejection once `ms` have passed (the work itself runs on, unawaited).

/** Settles as `work` does, or rejects with "no answer within `ms` ms" if that comes first; the timer never outlives it. */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
