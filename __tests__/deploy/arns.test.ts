import {
  arnInputs,
  arnKind,
  expectArnKind,
  expectRegion,
  notFoundError,
  otherAccountError,
  parseArn,
  ruleListenerArn,
} from '../../src/deploy/arns.js';

const LB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
const LISTENER = `${LB}:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa`;
const RULE = `${LB}:listener-rule/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbb`;
const SERVICE = 'arn:aws:ecs:us-east-1:111111111111:service/web/api';

describe('what an ARN names', () => {
  test.each([
    ['arn:aws:ecs:us-east-1:111111111111:cluster/web', 'cluster'],
    [SERVICE, 'service'],
    ['arn:aws:ecs:us-east-1:111111111111:task-definition/api:7', 'task definition'],
    [LISTENER, 'listener'],
    [RULE, 'listener rule'],
    [`${LB}:targetgroup/blue/0123456789abcdef`, 'a target group'],
    ['arn:aws:sqs:us-east-1:111111111111:queue', 'a sqs queue'],
  ])('%s is %s', (arn, kind) => expect(arnKind(parseArn(arn)!)).toBe(kind));

  test('an ARN of another kind is refused, saying what it is and where it goes', () => {
    expect(() => expectArnKind('cluster', SERVICE, 'cluster')).toThrow(
      `Input 'cluster': ${JSON.stringify(SERVICE)} is not valid: this is a service ARN (that goes in 'service'), not a cluster ARN`,
    );
    expect(() => expectArnKind('listener-arn', RULE, 'listener')).toThrow(
      "this is a listener rule ARN (that goes in 'listener-rule-arn'), not a listener ARN",
    );
    expect(() =>
      expectArnKind('listener-arn', `${LB}:targetgroup/blue/0123456789abcdef`, 'listener'),
    ).toThrow('this is a target group ARN, not a listener ARN');
    expect(expectArnKind('service', SERVICE, 'service')).toMatchObject({
      region: 'us-east-1',
      account: '111111111111',
    });
  });

  test("the listener of a rule is the rule's ARN without its last part", () => {
    expect(ruleListenerArn(RULE)).toBe(LISTENER);
    expect(ruleListenerArn(LISTENER)).toBeUndefined();
  });
});

describe('regions', () => {
  test("an ARN of another region than the client's is refused, naming both", () => {
    expect(() => expectRegion('listener-arn', LISTENER, 'eu-west-1', 'AWS_REGION')).toThrow(
      `Input 'listener-arn': ${JSON.stringify(LISTENER)} is not valid: this ARN is in region us-east-1, but the deploy works in eu-west-1 (AWS_REGION)`,
    );
    expect(() => expectRegion('listener-arn', LISTENER, 'us-east-1', 'AWS_REGION')).not.toThrow();
  });

  test('an ARN of the right region name but another partition is refused', () => {
    const china = 'arn:aws:ecs:cn-north-1:111111111111:cluster/web';
    expect(() => expectRegion('cluster', china, 'cn-north-1', 'AWS_REGION')).toThrow(
      'this ARN is in partition aws, but region cn-north-1 is in partition aws-cn',
    );
    expect(() =>
      expectRegion('cluster', china.replace('aws', 'aws-cn'), 'cn-north-1', 'AWS_REGION'),
    ).not.toThrow();
  });
});

describe('for the preflight', () => {
  const inputs = arnInputs({
    cluster: 'web',
    service: SERVICE,
    taskDefinition: {
      kind: 'existing',
      reference: 'arn:aws:ecs:us-east-1:222222222222:task-definition/api:7',
    },
    route: {
      kind: 'listener',
      production: { kind: 'rule', arn: RULE },
      testListenerArn: undefined,
    },
  });

  test('the ARN inputs are listed by input; names are not ARNs', () => {
    expect(inputs.map((entry) => entry.input)).toEqual(['service', 'task-definition', 'listener-rule-arn']);
  });

  test("ARNs of another account than the caller's are named, with both accounts", () => {
    expect(otherAccountError(inputs, '111111111111')?.message).toBe(
      `Input 'task-definition': "arn:aws:ecs:us-east-1:222222222222:task-definition/api:7" is in account 222222222222; ` +
        "the deploy's credentials are for account 111111111111: use credentials of the account that owns the service, or ARNs of this account",
    );
    expect(otherAccountError(inputs.slice(0, 1), '111111111111')).toBeUndefined();
  });

  test('a well-formed ARN that does not exist is named with the input and the region looked in', () => {
    expect(
      notFoundError(
        'listener-arn',
        LISTENER,
        'listener',
        'us-east-1',
        'The specified listener does not exist.',
      ).message,
    ).toBe(
      `Input 'listener-arn': ${JSON.stringify(LISTENER)}: no such listener in region us-east-1 ` +
        '(AWS said: The specified listener does not exist.); check the listener exists in this region and account, ' +
        'and that the ARN is copied whole',
    );
  });
});
