import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { RunbookMarkdown } from './RunbookMarkdown';

describe('RunbookMarkdown', () => {
  it('renders Markdown and keeps only http(s) links', async () => {
    await renderInTestApp(
      <RunbookMarkdown
        markdown={[
          '# Title',
          '',
          '[dashboard](https://grafana.example.com/d/x) and [bad](javascript:alert(1)) and [data](data:text/html,x) and [rel](/catalog)',
          '',
          '<script>window.hacked = true</script><img src="x" onerror="window.hacked = true">',
        ].join('\n')}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Title' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /dashboard/ })).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/x',
    );
    expect(screen.queryByRole('link', { name: 'bad' })).not.toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'data' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'rel' })).not.toBeInTheDocument();
    expect(screen.getByText(/and bad and data and rel/)).toBeInTheDocument();
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('[onerror]')).toBeNull();
    expect((window as any).hacked).toBeUndefined();
  });
});
