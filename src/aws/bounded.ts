/**
 * Runs `call` over `items` with at most `limit` calls in flight, and returns the results in the items'
 * order. A batched read (5,000 alarm names are 50 DescribeAlarms calls) then never goes out as one burst
 * far above the service's per-second quota. Hand-written: a dozen lines, where a queue library would add
 * a dependency to every bundle for this one use.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  call: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await call(items[index]!);
      } catch (error) {
        // The whole read fails: the calls not yet sent are not worth their quota.
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Splits `items` into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
