import { renderRuleFileYaml } from '../generate/ruleFileYaml';
import type { RuleGroup } from '../generate/types';
import { renderDeployedRuleFile } from './deployedRuleFile';

const declared: RuleGroup[] = [
  {
    name: 'checkout-red',
    rules: [
      {
        alert: 'HighErrorRate',
        expr: 'rate(errors[5m]) > 0.05',
        for: '5m',
        labels: { severity: 'page' },
        annotations: { summary: 'errors' },
      },
    ],
  },
];

describe('renderDeployedRuleFile', () => {
  it('renders a file read back unchanged exactly as the declared file', () => {
    expect(renderDeployedRuleFile(declared)).toBe(
      renderRuleFileYaml({ groups: declared }),
    );
  });

  it("drops the engine's default interval and its spelling of durations", () => {
    const asVmalertReports = [
      {
        name: 'checkout-red',
        interval: 60,
        rules: [{ ...declared[0].rules[0], for: 300 }],
      },
    ];
    expect(
      renderDeployedRuleFile(asVmalertReports, { defaultIntervalSeconds: 60 }),
    ).toBe(renderRuleFileYaml({ groups: declared }));
  });

  it('keeps an interval the group set itself', () => {
    const text = renderDeployedRuleFile([{ ...declared[0], interval: 30 }], {
      defaultIntervalSeconds: 60,
    });
    expect(text).toContain('interval: 30s');
  });
});
