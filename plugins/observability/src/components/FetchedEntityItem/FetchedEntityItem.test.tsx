import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { mockObservabilityApi, pending } from '../../__testUtils__/mockApi';
import { FetchedEntityItem } from './FetchedEntityItem';

const entityRef = { kind: 'Component', namespace: 'default', name: 'checkout' };

function renderItem(api: ObservabilityApi) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <FetchedEntityItem
        entityRef={entityRef}
        item="HighErrorRate"
        fetch={a => a.getRunbook(entityRef, 'HighErrorRate')}
        isEmpty={value => !value.markdown.trim()}
        emptyText="This runbook is empty."
      >
        {value => <p>shown: {value.markdown}</p>}
      </FetchedEntityItem>
    </TestApiProvider>,
  );
}

const runbook = (markdown: string) => ({
  entityRef: 'component:default/checkout',
  alert: 'HighErrorRate',
  title: 'HighErrorRate — checkout',
  path: 'runbooks/HighErrorRate.md',
  markdown,
});

describe('FetchedEntityItem', () => {
  it('shows progress while the item loads', async () => {
    await renderItem(mockObservabilityApi({ getRunbook: pending }));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('hands a fetched item to its children', async () => {
    const api = mockObservabilityApi({
      getRunbook: async () => runbook('# Meaning'),
    });
    await renderItem(api);
    expect(await screen.findByText('shown: # Meaning')).toBeInTheDocument();
    expect(api.getRunbook).toHaveBeenCalledWith(entityRef, 'HighErrorRate');
  });

  it('says so when the item is empty', async () => {
    await renderItem(
      mockObservabilityApi({ getRunbook: async () => runbook('  \n') }),
    );
    expect(
      await screen.findByText('This runbook is empty.'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/^shown:/)).not.toBeInTheDocument();
  });

  it('shows why the item could not be fetched', async () => {
    await renderItem(
      mockObservabilityApi({
        getRunbook: () => Promise.reject(new Error('runbook route down')),
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Error: runbook route down',
    );
  });
});
