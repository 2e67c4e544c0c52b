import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { observabilityApiRef, type ObservabilityApi } from '../../api';
import { RunbookList } from './RunbookList';
import { checkoutView, demoRunbook } from '../../__testUtils__/fixtures';
import { mockObservabilityApi } from '../../__testUtils__/mockApi';

const entityRef = { kind: 'Component', namespace: 'default', name: 'checkout' };

function renderList(api: ObservabilityApi, runbooks = checkoutView.runbooks) {
  return renderInTestApp(
    <TestApiProvider apis={[[observabilityApiRef, api]]}>
      <RunbookList entityRef={entityRef} runbooks={runbooks} />
    </TestApiProvider>,
  );
}

describe('RunbookList', () => {
  it('lists every generated runbook and fetches one only when it is opened', async () => {
    const api = mockObservabilityApi({
      getRunbook: async (_ref, alert) => demoRunbook('checkout', alert),
    });
    await renderList(api);
    expect(
      screen
        .getAllByRole('button', { name: /— checkout$/ })
        .map(b => b.textContent),
    ).toEqual([
      'HighErrorRate — checkout',
      'HighLatencyP99 — checkout',
      'TrafficDrop — checkout',
      'SLOErrorBudgetBurn — checkout',
      'SLOErrorBudgetExhausted — checkout',
      'SLOMetricAbsent — checkout',
      'LogErrorRateFallback — checkout',
    ]);
    expect(api.getRunbook).not.toHaveBeenCalled();

    const summary = screen.getByRole('button', {
      name: 'HighErrorRate — checkout',
    });
    expect(summary).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(summary);
    expect(
      await screen.findByRole('heading', { name: 'Diagnosis' }),
    ).toBeInTheDocument();
    expect(api.getRunbook).toHaveBeenCalledWith(entityRef, 'HighErrorRate');
    expect(
      screen.getByRole('link', { name: /^the service dashboard/ }),
    ).toHaveAttribute(
      'href',
      'https://grafana.example.com/d/checkout-red/checkout',
    );
  });

  it('shows why a runbook could not be loaded', async () => {
    await renderList(
      mockObservabilityApi({
        getRunbook: () => Promise.reject(new Error('runbook route down')),
      }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'TrafficDrop — checkout' }),
    );
    expect(
      await screen.findByText('Error: runbook route down', { selector: 'h6' }),
    ).toBeInTheDocument();
  });

  it('says so when there are no runbooks', async () => {
    await renderList(mockObservabilityApi(), []);
    expect(
      screen.getByText('No runbooks were generated for this entity.'),
    ).toBeInTheDocument();
  });
});
