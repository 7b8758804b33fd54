import { parsePipeline } from '../../src/pipeline/config.js';
import { planPipeline } from '../../src/pipeline/plan.js';
import { renderPlanMarkdown, renderPlanTable } from '../../src/pipeline/render.js';

const LISTENER =
  'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/shop/0123456789abcdef/aaaaaaaaaaaaaaaa';
const file = (compare: string) => `defaults:
  cluster: web
  service: api
  listener-arn: ${LISTENER}
  compare: ${compare}
stages:
  - name: gamma
    targets: [{ region: us-east-1, role: 'arn:aws:iam::111111111111:role/deploy' }]
`;

test('npx safe-deploy plan lists each target comparisons and their rules', () => {
  const plan = planPipeline(parsePipeline(file("['error-rate <= 2x blue + 0.5pt', p99-latency]"), 'p.yml'));
  expect(plan.stages[0]!.matrix.include[0]!.compare).toBe('error-rate <= 2x blue + 0.5pt\np99-latency');
  expect(renderPlanTable(plan)).toContain(
    'Green versus blue, gamma us-east-1 web/api @111111111111: error-rate <= 2x blue + 0.5pt ' +
      '(green ≤ 2× blue + 0.5 points, judged after 200 green requests); p99-latency (green ≤ 1.2× blue, ' +
      'judged after 3 minutes of data)',
  );
  expect(renderPlanMarkdown(plan)).toContain(
    '- Green versus blue, gamma us-east-1 web/api @111111111111: error-rate \\<= 2x',
  );
});

test('a bad comparison in the pipeline file fails the plan, naming where and the deploy input', () => {
  expect(() => parsePipeline(file("'error-rate <= 0.5x blue'"), 'p.yml')).toThrow(
    /stages\[0\]\.targets\[0\] \(line \d+\): deploy input 'compare': "error-rate <= 0\.5x blue" is not valid: a factor of 0\.5 below 1/,
  );
});
