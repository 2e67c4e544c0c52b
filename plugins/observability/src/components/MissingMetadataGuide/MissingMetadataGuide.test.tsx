import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import {
  MissingMetadataGuide,
  exampleAnnotations,
} from './MissingMetadataGuide';

describe('MissingMetadataGuide', () => {
  it('explains the defaults and offers a copyable annotation snippet', async () => {
    await renderInTestApp(
      <MissingMetadataGuide serviceName="legacy-billing" />,
    );
    const guide = screen.getByRole('alert', {
      name: 'How to describe this service',
    });
    expect(guide).toHaveTextContent(
      'more than 1 % of requests fail for 5 minutes',
    );
    expect(guide).toHaveTextContent('redline.dev/slo-latency: "99% < 300ms"');
    expect(
      screen.getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();
  });

  it('builds valid YAML annotations for the service', () => {
    const yaml = exampleAnnotations('legacy-billing');
    expect(yaml.split('\n').slice(0, 3)).toEqual([
      'metadata:',
      '  annotations:',
      '    redline.dev/service-name: "legacy-billing"',
    ]);
  });
});
