/**
 * V8's young generation, held at the size it has when a deploy starts.
 *
 * A deploy is a long wait with bursts of parsing: the first full read of 5,000 alarms is 50 answers,
 * about 7 MB of JSON that the SDK turns into objects living a few milliseconds. V8 meets such a burst by
 * doubling its young generation, up to two semi-spaces of 16 MiB, and keeps the pages it touched: the
 * peak memory of a deploy watching 5,000 alarms rose by about 20 MiB for garbage it needed no room for.
 * Held, the young generation is collected a little more often, which a process that mostly waits on AWS
 * does not notice (docs/benchmark.md has the peak memory with it).
 *
 * An action cannot give Node flags (the runner starts `node <runs.main>`), so this sets V8's growth
 * factor at run time, before the deploy's code loads. V8 reads that flag at each decision to grow, so
 * setting it late is safe: before, the young generation grows as usual; after, it keeps its size.
 */
export function holdYoungGeneration(): void {
  process.getBuiltinModule('node:v8').setFlagsFromString('--semi-space-growth-factor=1');
}
