/**
 * Hand-written answers of the routes that read the backend's stores rather
 * than describe an entity: coverage runs (`GET /coverage`,
 * `GET /coverage/history`) and the apply log (`GET …/apply`).
 */
import type {
  ApplyHistoryResponse,
  CoverageHistoryPoint,
  CoverageResponse,
} from '@redline/backstage-plugin-observability-common';

export const coverageResponse: CoverageResponse = {
  items: [
    {
      entityRef: 'component:default/checkout',
      name: 'checkout',
      kind: 'Component',
      owner: 'group:default/payments',
      team: 'payments',
      system: 'commerce',
      lifecycle: 'production',
      tier: 'tier-1',
      hasSlo: true,
      hasRunbook: true,
      rulesDeployed: 'yes',
      confidence: 0.82,
      failingChecks: 1,
      topFailingCheck: 'Rules deployed',
      evaluatedAt: '2026-11-25T04:00:00Z',
    },
    {
      entityRef: 'component:default/legacy-billing',
      name: 'legacy-billing',
      kind: 'Component',
      owner: 'group:default/payments',
      team: 'payments',
      lifecycle: 'deprecated',
      hasSlo: false,
      hasRunbook: false,
      rulesDeployed: 'no',
      confidence: 0.2,
      failingChecks: 4,
      topFailingCheck: 'SLO declared',
      evaluatedAt: '2026-11-25T04:00:00Z',
    },
  ],
  totalItems: 32,
  page: 1,
  pageSize: 2,
  teams: [
    {
      team: 'payments',
      services: 6,
      withSlo: 0.5,
      withRunbooks: 0.33,
      withRulesDeployed: 0.17,
      meanConfidence: 0.55,
    },
    {
      team: 'search',
      services: 5,
      withSlo: 0.8,
      withRunbooks: 0.6,
      withRulesDeployed: 0.4,
      meanConfidence: 0.71,
    },
  ],
  summary: {
    services: 32,
    withSlo: 0.47,
    withRunbooks: 0.41,
    withRulesDeployed: 0.25,
    meanConfidence: 0.58,
  },
  evaluatedAt: '2026-11-25T04:00:00Z',
};

export const coverageHistory: CoverageHistoryPoint[] = [
  {
    evaluatedAt: '2026-11-22T00:00:00Z',
    services: 30,
    withSlo: 0.3,
    withRunbooks: 0.3,
    withRulesDeployed: 0.1,
    meanConfidence: 0.41,
  },
  {
    evaluatedAt: '2026-11-23T00:00:00Z',
    services: 31,
    withSlo: 0.4,
    withRunbooks: 0.35,
    withRulesDeployed: 0.2,
    meanConfidence: 0.5,
  },
  {
    evaluatedAt: '2026-11-24T00:00:00Z',
    services: 32,
    withSlo: 0.47,
    withRunbooks: 0.41,
    withRulesDeployed: 0.25,
    meanConfidence: 0.58,
  },
];

/** Two applies of checkout's rules, newest first, as `GET …/apply` lists them. */
export const checkoutApplyHistory: ApplyHistoryResponse = {
  entityRef: 'component:default/checkout',
  items: [
    {
      instance: 'default',
      path: '/etc/prometheus/rules/redline/component-default-checkout.yaml',
      changed: false,
      validated: 'promtool',
      reload: { status: 'failed', message: 'HTTP 503 from /-/reload' },
      outcome: 'unchanged',
      appliedBy: 'user:default/ana',
      appliedAt: '2026-11-25T05:00:00Z',
    },
    {
      instance: 'default',
      path: '/etc/prometheus/rules/redline/component-default-checkout.yaml',
      changed: true,
      validated: 'promtool',
      reload: { status: 'ok' },
      outcome: 'applied',
      appliedBy: 'user:default/guest',
      appliedAt: '2026-11-24T09:30:00Z',
    },
  ],
};
