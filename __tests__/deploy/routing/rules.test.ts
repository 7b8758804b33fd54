import { UserError } from '../../../src/errors.js';
import { chosenRouting, resolveRoute, type RouteChoices } from '../../../src/deploy/routing/rules.js';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/web/0123456789abcdef/0123456789abcdef';
const RULE = `${LISTENER.replace(':listener/', ':listener-rule/')}/fedcba9876543210`;
const TEST_LISTENER = LISTENER.replace(/\/0123456789abcdef$/, '/1111111111111111');

const choices = (more: Partial<RouteChoices>): RouteChoices => ({
  cluster: 'web',
  service: 'api',
  listenerArn: undefined,
  ruleArn: undefined,
  testListenerArn: undefined,
  routing: undefined,
  minRequests: 0,
  ...more,
});

/** The UserError resolveRoute throws for these choices. */
function refusal(more: Partial<RouteChoices>): UserError {
  try {
    resolveRoute(choices(more));
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected the choices to be refused');
}

describe('the routing rules, on typed values', () => {
  it('routes by listener when a production listener or rule is given, else by task-set scale', () => {
    expect(resolveRoute(choices({ listenerArn: LISTENER, testListenerArn: TEST_LISTENER }))).toEqual({
      kind: 'listener',
      production: { kind: 'listener', arn: LISTENER },
      testListenerArn: TEST_LISTENER,
    });
    expect(resolveRoute(choices({ ruleArn: RULE }))).toEqual({
      kind: 'listener',
      production: { kind: 'rule', arn: RULE },
      testListenerArn: undefined,
    });
    expect(resolveRoute(choices({}))).toEqual({ kind: 'task-sets' });
    expect(chosenRouting({ routing: undefined, listenerArn: undefined, ruleArn: RULE })).toBe('listener');
    expect(chosenRouting({ routing: 'task-sets', listenerArn: LISTENER, ruleArn: undefined })).toBe(
      'task-sets',
    );
  });

  it('names the inputs at fault and the reason as fields, apart from the message', () => {
    const two = refusal({ listenerArn: LISTENER, ruleArn: RULE });
    expect(two.message).toBe(
      "Inputs 'listener-arn' and 'listener-rule-arn' name two production routes: give one",
    );
    expect(two.problem).toEqual({
      inputs: ['listener-arn', 'listener-rule-arn'],
      reason: 'name two production routes: give one',
    });

    const listenerless = refusal({ routing: 'listener' });
    expect(listenerless.problem).toEqual({
      inputs: ['routing'],
      reason: `"listener" is not valid: listener routing needs 'listener-arn' or 'listener-rule-arn'`,
    });
  });

  it.each<[string, Partial<RouteChoices>, string, string]>([
    [
      'a service ARN of another cluster',
      { service: 'arn:aws:ecs:us-east-1:111111111111:service/other/api' },
      'service',
      "this service ARN is of cluster other, but 'cluster' is web",
    ],
    [
      'a test listener with task-set routing',
      { testListenerArn: TEST_LISTENER },
      'test-listener-arn',
      'a test listener needs',
    ],
    [
      'a listener with task-set routing',
      { routing: 'task-sets', ruleArn: RULE },
      'listener-rule-arn',
      "'routing: task-sets' moves traffic",
    ],
    [
      'the production listener as the test listener',
      { listenerArn: LISTENER, testListenerArn: LISTENER },
      'test-listener-arn',
      'this is the production listener',
    ],
    [
      "the production rule's listener as the test listener",
      { ruleArn: RULE, testListenerArn: LISTENER },
      'test-listener-arn',
      'this is the listener of the production rule',
    ],
    [
      'min-requests with task-set routing',
      { routing: 'task-sets', minRequests: 100 },
      'min-requests',
      "counting green's requests needs 'routing: listener'",
    ],
  ])('refuses %s, naming the input', (_, more, input, reason) => {
    const error = refusal(more);
    expect(error.problem?.inputs).toEqual([input]);
    expect(error.problem?.reason).toContain(reason);
    expect(error.message).toBe(`Input '${input}': ${error.problem?.reason}`);
  });

  it('leaves min-requests without an explicit routing to the service kind, read later', () => {
    expect(resolveRoute(choices({ minRequests: 100 }))).toEqual({ kind: 'task-sets' });
  });
});
