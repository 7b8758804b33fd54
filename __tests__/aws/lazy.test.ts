import { isAccessDenied } from '../../src/aws/access.js';
import { lazyPort, perRegion } from '../../src/aws/lazy.js';

interface Greeter {
  greet(name: string): Promise<string>;
}

test('a lazy port loads its adapter on the first call, once, and is not a thenable', async () => {
  let loads = 0;
  const port = lazyPort<Greeter>(async () => {
    loads++;
    return { greet: async (name) => `hello ${name}` };
  });
  expect(loads).toBe(0);
  // Awaiting the port itself must not load it (or hang): it is no promise.
  expect(await Promise.resolve(port)).toBe(port);
  expect(loads).toBe(0);
  expect(await port.greet('ada')).toBe('hello ada');
  expect(await port.greet('bob')).toBe('hello bob');
  expect(loads).toBe(1);
});

test('a client is made once per region', () => {
  const made: (string | undefined)[] = [];
  const client = perRegion((region) => {
    made.push(region);
    return { region };
  });
  expect(client('eu-west-1')).toBe(client('eu-west-1'));
  expect(client('us-east-1')).not.toBe(client('eu-west-1'));
  expect(made).toEqual(['eu-west-1', 'us-east-1']);
});

test.each([
  ['AccessDeniedException', true],
  ['AccessDenied', true],
  ['ThrottlingException', false],
  ['ResourceNotFoundException', false],
])('%s is access denied: %s', (name, denied) => {
  expect(isAccessDenied(Object.assign(new Error('x'), { name }))).toBe(denied);
});
