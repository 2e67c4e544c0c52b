import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleRedlineObservability } from './module';

describe('scaffolderModuleRedlineObservability', () => {
  it('registers the generate and budget-gate actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleRedlineObservability,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(addActions).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'redline:observability:generate' }),
      expect.objectContaining({ id: 'redline:observability:budget-gate' }),
    );
  });
});
