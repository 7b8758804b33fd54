import { PlainCommands } from '../../src/cli/terminal.js';

// Code under test prints through @actions/core, whose workflow commands (::set-output, ::debug::,
// ::group::…) would reach the test log, where a runner running the tests would obey them. They are
// printed as plain text instead, as the CLI does at a terminal. A test that spies on
// process.stdout.write still sees the raw calls: its spy wraps this.
const write = process.stdout.write.bind(process.stdout);
const plain = new PlainCommands((text) => void write(text));
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
  plain.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
  (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
  return true;
}) as typeof process.stdout.write;
afterAll(() => plain.flush());
