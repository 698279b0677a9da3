/**
 * Runs at most `max` tasks at once; the rest wait in arrival order. A finishing task hands its slot
 * straight to the next in line instead of freeing it, so the bound does not rest on the order in which
 * promise continuations happen to run.
 */
export function concurrencyLimit(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function limited<T>(task: () => Promise<T>): Promise<T> {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
