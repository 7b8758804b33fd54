/** An SDK client for a region, made once per region: a task definition may name resources in several. */
export function perRegion<C>(make: (region: string | undefined) => C): (region: string | undefined) => C {
  const made = new Map<string | undefined, C>();
  return (region) => {
    let client = made.get(region);
    if (!client) {
      client = make(region);
      made.set(region, client);
    }
    return client;
  };
}

/**
 * A port whose adapter, and the AWS SDK client under it, are loaded on its first call: a deploy whose task
 * definition names no ECR image never loads the ECR client. Every property is a method returning a promise.
 */
export function lazyPort<P extends object>(load: () => Promise<P>): P {
  let loaded: Promise<P> | undefined;
  return new Proxy({} as P, {
    get(_target, name) {
      // Not a thenable, so `await port` is the port itself.
      if (typeof name === 'symbol' || name === 'then') return undefined;
      return async (...args: unknown[]) => {
        loaded ??= load();
        const port = (await loaded) as Record<string, (...a: unknown[]) => unknown>;
        return port[name]!.apply(port, args);
      };
    },
  });
}
