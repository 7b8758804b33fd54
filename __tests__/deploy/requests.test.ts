import { countTargetGroup, requestWindow } from '../../src/deploy/requests.js';

const MINUTE = 60_000;
const T = Date.parse('2026-11-23T10:00:00Z');
const ELB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
const TG = `${ELB}:targetgroup/api/1111111111111111`;
const ALB = `${ELB}:loadbalancer/app/shop/0123456789abcdef`;
const NLB = `${ELB}:loadbalancer/net/edge/0123456789abcdef`;

describe('the window of RequestCount that is green’s', () => {
  test('from first traffic: the minute green first took traffic counts whole (its group served nothing before)', () => {
    expect(
      requestWindow('first-traffic', { firstTraffic: T + 20_000, bake: T + 5 * MINUTE }, T + 30_000),
    ).toEqual({ from: T, to: T + MINUTE });
  });

  test('from the bake: only minutes that began at or after it, so no request of the old version counts', () => {
    const at = { firstTraffic: T, bake: T + 20_000 };
    // Within the bake's first minute there is no whole minute to read yet.
    expect(requestWindow('bake', at, T + 30_000)).toBeUndefined();
    expect(requestWindow('bake', at, T + MINUTE - 1)).toBeUndefined();
    expect(requestWindow('bake', at, T + MINUTE)).toEqual({ from: T + MINUTE, to: T + 2 * MINUTE });
    expect(requestWindow('bake', at, T + 3 * MINUTE + 5_000)).toEqual({
      from: T + MINUTE,
      to: T + 4 * MINUTE,
    });
  });

  test('a bake starting on a minute boundary counts that minute', () => {
    expect(requestWindow('bake', { firstTraffic: T, bake: T + MINUTE }, T + MINUTE)).toEqual({
      from: T + MINUTE,
      to: T + 2 * MINUTE,
    });
  });
});

describe('which load balancer a target group is counted on', () => {
  test('an Application Load Balancer', () => {
    expect(countTargetGroup(TG, [ALB])).toEqual({ counted: [{ targetGroupArn: TG, loadBalancerArn: ALB }] });
  });

  test('no load balancer: nothing could ever be counted', () => {
    expect(countTargetGroup(TG, [])).toEqual({
      problem: `${TG} is behind no load balancer (no listener or rule forwards to it)`,
    });
  });

  test('a Network Load Balancer reports no RequestCount', () => {
    expect(countTargetGroup(TG, [NLB])).toEqual({
      problem: `${TG} is behind net/edge/0123456789abcdef, not an Application Load Balancer: only those report RequestCount`,
    });
  });
});
