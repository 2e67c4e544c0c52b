import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { WorstFirstAlertList } from './WorstFirstAlertList';

describe('WorstFirstAlertList', () => {
  it('lists errors, then warnings, then info, keeping the given order within each', async () => {
    const items = [
      { severity: 'info', text: 'info one' },
      { severity: 'warning', text: 'warning one' },
      { severity: 'error', text: 'error one' },
      { severity: 'info', text: 'info two' },
      { severity: 'error', text: 'error two' },
    ] as const;
    await renderInTestApp(
      <WorstFirstAlertList
        label="Things"
        items={items}
        emptyText="Nothing found."
        itemKey={(item, index) => `${item.text}-${index}`}
      >
        {item => item.text}
      </WorstFirstAlertList>,
    );
    const rows = within(screen.getByRole('list', { name: 'Things' }))
      .getAllByRole('listitem')
      .map(row => row.textContent);
    expect(rows).toEqual([
      'error one',
      'error two',
      'warning one',
      'info one',
      'info two',
    ]);
  });

  it('says what no findings means instead of an empty list', async () => {
    await renderInTestApp(
      <WorstFirstAlertList
        label="Things"
        items={[]}
        emptyText="Nothing found."
        itemKey={() => 'never'}
      >
        {() => 'never rendered'}
      </WorstFirstAlertList>,
    );
    expect(screen.getByText('Nothing found.')).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });
});
