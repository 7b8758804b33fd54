/**
 * The built-in checklist: what a reviewer must be able to answer before a change goes into a pipeline that
 * deploys it without anyone watching. Eight items under testing, monitoring and rollout.
 */
export const DEFAULT_TEMPLATE = `## Deployment safety checklist

This change deploys without a human watching. Tick each item once it holds for this change, or strike
it through (\`~~like this~~\`) when it does not apply. Ticks are kept when this comment is refreshed.

### Testing
- [ ] Unit and integration tests were added or updated for the new behaviour
- [ ] The commands run to test this change are written below
  \`\`\`sh
  # for example: npm test && npm run test:integration
  \`\`\`

### Monitoring
- [ ] The change is covered by existing monitoring and alarms (or adds the ones it needs)
- [ ] The change stays within the service's resource limits (CPU, memory, connections, quotas)
- [ ] The change can deploy without triggering alarms

### Rollout
- [ ] The change can be merged right away (nothing else has to ship or happen first)
- [ ] Changes this depends on (other services, infrastructure, configuration) are already in production
- [ ] The change can be rolled back safely (data and schema changes are backward compatible)
`;
