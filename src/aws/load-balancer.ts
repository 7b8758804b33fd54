import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';

/** A listener, or a listener rule, whose forward action splits traffic between target groups. */
export interface ForwardRef {
  kind: 'listener' | 'rule';
  arn: string;
}

/** Target group weights of a forward action, by target group ARN. */
export type Weights = Record<string, number>;

/** The load balancer calls a deploy makes. */
export interface LoadBalancerPort {
  /** Reads the forward action's target groups and weights. */
  readWeights(ref: ForwardRef): Promise<Weights>;
  /** Sets the forward action's weights, keeping every other part of the listener's actions as it was. */
  setWeights(ref: ForwardRef, weights: Weights): Promise<void>;
  /** How many registered targets are healthy, and how many there are. */
  targetHealth(targetGroupArn: string): Promise<{ healthy: number; total: number }>;
}

/** One registered target's health as the load balancer reports it. */
export interface TargetHealthDetail {
  id: string;
  port: number | undefined;
  /** healthy, unhealthy, initial, draining, unused, unavailable. */
  state: string;
  /** `Target.ResponseCodeMismatch`, `Target.Timeout`, ... */
  reason: string | undefined;
  description: string | undefined;
}

/** The load balancer calls that say why targets are not healthy. */
export interface TargetHealthPort {
  targetHealthDetails(targetGroupArn: string): Promise<TargetHealthDetail[]>;
}

/** The load balancer read that says where a target group's requests are counted. */
export interface TargetGroupPort {
  /** The load balancers that route traffic to a target group (none when no listener or rule forwards to it). */
  targetGroupLoadBalancers(targetGroupArn: string): Promise<string[]>;
}

/** The load balancer read that finds what forwards to a target group, from AWS alone. */
export interface ForwardDiscoveryPort {
  /**
   * Every listener and listener rule, on the load balancers that route to `targetGroupArn`, whose forward
   * action includes that group.
   */
  forwardsTo(targetGroupArn: string): Promise<ForwardRef[]>;
}

/** `LoadBalancerPort` over the AWS SDK. */
export class SdkLoadBalancer
  implements LoadBalancerPort, TargetHealthPort, TargetGroupPort, ForwardDiscoveryPort
{
  /** The actions last read per listener or rule: a weight change rewrites them with new weights only. */
  private readonly actions = new Map<string, Action[]>();

  constructor(private readonly client: ElasticLoadBalancingV2Client) {}

  async readWeights(ref: ForwardRef): Promise<Weights> {
    const actions = await this.readActions(ref);
    this.actions.set(ref.arn, actions);
    return forwardWeights(actions, ref);
  }

  async setWeights(ref: ForwardRef, weights: Weights): Promise<void> {
    const actions = this.actions.get(ref.arn) ?? (await this.readActions(ref));
    const updated = actions.map((action) =>
      action.Type === 'forward'
        ? {
            ...action,
            TargetGroupArn: undefined,
            ForwardConfig: {
              ...action.ForwardConfig,
              TargetGroups: Object.entries(weights).map(([TargetGroupArn, Weight]) => ({
                TargetGroupArn,
                Weight,
              })),
            },
          }
        : action,
    );
    const applied =
      ref.kind === 'listener'
        ? (
            await this.client.send(
              new ModifyListenerCommand({ ListenerArn: ref.arn, DefaultActions: updated }),
            )
          ).Listeners?.[0]?.DefaultActions
        : (await this.client.send(new ModifyRuleCommand({ RuleArn: ref.arn, Actions: updated }))).Rules?.[0]
            ?.Actions;
    // AWS answers with the actions as they now are: a weight change is done only when they show it.
    if (applied) {
      const now = forwardWeights(applied, ref);
      if (!sameWeights(now, weights)) {
        throw new Error(
          `The ${ref.kind} ${ref.arn} shows weights ${JSON.stringify(now)} after they were set to ${JSON.stringify(weights)}`,
        );
      }
    }
    this.actions.set(ref.arn, applied ?? updated);
  }

  async targetHealth(targetGroupArn: string): Promise<{ healthy: number; total: number }> {
    const out = await this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    const targets = out.TargetHealthDescriptions ?? [];
    return {
      healthy: targets.filter((t) => t.TargetHealth?.State === 'healthy').length,
      total: targets.length,
    };
  }

  async targetHealthDetails(targetGroupArn: string): Promise<TargetHealthDetail[]> {
    const out = await this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
    return (out.TargetHealthDescriptions ?? []).map((t) => ({
      id: t.Target?.Id ?? '',
      port: t.Target?.Port,
      state: t.TargetHealth?.State ?? 'unknown',
      reason: t.TargetHealth?.Reason,
      description: t.TargetHealth?.Description,
    }));
  }

  async targetGroupLoadBalancers(targetGroupArn: string): Promise<string[]> {
    const out = await this.client.send(
      new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn] }),
    );
    return out.TargetGroups?.[0]?.LoadBalancerArns ?? [];
  }

  async forwardsTo(targetGroupArn: string): Promise<ForwardRef[]> {
    const found: ForwardRef[] = [];
    const includes = (actions: Action[] | undefined): boolean =>
      (actions ?? []).some(
        (a) =>
          a.Type === 'forward' &&
          (a.TargetGroupArn === targetGroupArn ||
            (a.ForwardConfig?.TargetGroups ?? []).some((g) => g.TargetGroupArn === targetGroupArn)),
      );
    // A target group behind two listeners of one load balancer may name that load balancer twice.
    for (const loadBalancer of new Set(await this.targetGroupLoadBalancers(targetGroupArn))) {
      let marker: string | undefined;
      do {
        const page = await this.client.send(
          new DescribeListenersCommand({
            LoadBalancerArn: loadBalancer,
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        for (const listener of page.Listeners ?? []) {
          if (!listener.ListenerArn) continue;
          if (includes(listener.DefaultActions)) found.push({ kind: 'listener', arn: listener.ListenerArn });
          let ruleMarker: string | undefined;
          do {
            const rules = await this.client.send(
              new DescribeRulesCommand({
                ListenerArn: listener.ListenerArn,
                ...(ruleMarker ? { Marker: ruleMarker } : {}),
              }),
            );
            for (const rule of rules.Rules ?? []) {
              // The default rule is the listener's default actions, already looked at.
              if (rule.RuleArn && !rule.IsDefault && includes(rule.Actions))
                found.push({ kind: 'rule', arn: rule.RuleArn });
            }
            ruleMarker = rules.NextMarker;
          } while (ruleMarker);
        }
        marker = page.NextMarker;
      } while (marker);
    }
    return found;
  }

  private async readActions(ref: ForwardRef): Promise<Action[]> {
    if (ref.kind === 'listener') {
      const out = await this.client.send(new DescribeListenersCommand({ ListenerArns: [ref.arn] }));
      return out.Listeners?.[0]?.DefaultActions ?? [];
    }
    const out = await this.client.send(new DescribeRulesCommand({ RuleArns: [ref.arn] }));
    return out.Rules?.[0]?.Actions ?? [];
  }
}

/** The forward action's weights by target group (a plain forward to one group is 100% to it). */
function forwardWeights(actions: Action[], ref: ForwardRef): Weights {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) {
    throw Object.assign(new Error(`The ${ref.kind} ${ref.arn} has no forward action to shift traffic with`), {
      name: 'NoForwardAction',
    });
  }
  const groups = forward.ForwardConfig?.TargetGroups ?? [];
  if (groups.length === 0 && forward.TargetGroupArn) return { [forward.TargetGroupArn]: 100 };
  return Object.fromEntries(groups.map((g) => [g.TargetGroupArn ?? '', g.Weight ?? 1]));
}

function sameWeights(a: Weights, b: Weights): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}

/** The load balancer ARN a listener or rule ARN belongs to. */
export function loadBalancerArnOf(arn: string): string {
  // arn:aws:elasticloadbalancing:r:a:listener/app/name/lbid/listenerid[/ruleid]
  const match =
    /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener(?:-rule)?\/(app|net)\/([^/]+)\/([^/]+)\//.exec(
      arn,
    );
  if (!match) throw new Error(`Cannot tell the load balancer of ${arn}`);
  return `${match[1]}loadbalancer/${match[2]}/${match[3]}/${match[4]}`;
}
