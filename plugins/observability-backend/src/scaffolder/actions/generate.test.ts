import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { resolveGeneratorConfig } from '@redline/backstage-plugin-observability-common';
import { testEntities } from '../../__testUtils__/entities';
import { lockedCatalogError } from '../../__testUtils__/catalogErrors';
import { createGenerateObservabilityAction } from './generate';

const generator = resolveGeneratorConfig({
  portalBaseUrl: 'http://portal.test',
});

/** A scaffolder action context built by hand (the scaffolder test utils package is not installed). */
function mockContext(
  input: Record<string, unknown>,
  workspacePath: string,
  isDryRun = false,
) {
  const outputs: Record<string, unknown> = {};
  return {
    outputs,
    ctx: {
      input,
      workspacePath,
      isDryRun,
      logger: mockServices.logger.mock(),
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      getInitiatorCredentials: async () => mockCredentials.user(),
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      createTemporaryDirectory: async () =>
        fs.mkdtemp(path.join(os.tmpdir(), 'redline-tmp-')),
      task: { id: 'task-1' },
    } as any,
  };
}

describe('redline:observability:generate', () => {
  let workspace: string;
  const action = createGenerateObservabilityAction({
    catalog: catalogServiceMock({
      entities: testEntities({ runbookUrl: 'https://wiki.example.org/rb' }),
    }),
    generator,
  });

  beforeEach(async () => {
    workspace = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-workspace-'));
  });
  afterEach(async () => {
    await fs.rm(workspace, { recursive: true, force: true });
  });

  it('writes every artifact of the entity into <targetPath>/<service>/', async () => {
    const { ctx, outputs } = mockContext(
      { entityRef: 'component:default/checkout', targetPath: 'ops' },
      workspace,
    );
    await action.handler(ctx);
    expect(outputs.serviceName).toBe('checkout');
    expect(outputs.directory).toBe('ops/checkout');
    const files = outputs.files as string[];
    expect(files).toEqual(
      expect.arrayContaining([
        'ops/checkout/prometheus-rules.yaml',
        'ops/checkout/grafana-dashboard.json',
        'ops/checkout/runbooks/HighErrorRate.md',
      ]),
    );
    for (const file of files) {
      const content = await fs.readFile(path.join(workspace, file), 'utf8');
      expect(content.length).toBeGreaterThan(0);
    }
    expect(
      await fs.readFile(
        path.join(workspace, 'ops/checkout/prometheus-rules.yaml'),
        'utf8',
      ),
    ).toMatch(/alert: HighErrorRate/);
  });

  it('defaults the folder to observability/ and writes nothing on a dry run', async () => {
    const { ctx, outputs } = mockContext(
      { entityRef: 'component:default/legacy-billing' },
      workspace,
      true,
    );
    await action.handler(ctx);
    expect(outputs.directory).toBe('observability/legacy-billing');
    expect((outputs.files as string[]).length).toBeGreaterThan(3);
    expect(await fs.readdir(workspace)).toEqual([]);
  });

  it('writes only the files ticked in the dialog, refusing an unknown id by index', async () => {
    const { ctx, outputs } = mockContext(
      {
        entityRef: 'component:default/checkout',
        artifacts: ['prometheus-rules', 'runbook:HighErrorRate'],
      },
      workspace,
    );
    await action.handler(ctx);
    expect(outputs.files).toEqual([
      'observability/checkout/prometheus-rules.yaml',
      'observability/checkout/runbooks/HighErrorRate.md',
    ]);
    expect(
      (await fs.readdir(path.join(workspace, 'observability/checkout'))).sort(),
    ).toEqual(['prometheus-rules.yaml', 'runbooks']);

    const unknown = mockContext(
      {
        entityRef: 'component:default/checkout',
        artifacts: ['prometheus-rules', 'runbook:NoSuchAlert'],
      },
      workspace,
    );
    await expect(action.handler(unknown.ctx)).rejects.toThrow(
      /^Invalid input artifacts\[1\]: component:default\/checkout has no file "runbook:NoSuchAlert"/,
    );
  });

  it('generates as if a proposed SLO were set and writes the lines to add', async () => {
    const { ctx, outputs } = mockContext(
      {
        entityRef: 'component:default/legacy-billing',
        proposedAnnotations: { 'redline.dev/slo-availability': '99.5' },
      },
      workspace,
    );
    await action.handler(ctx);
    const directory = path.join(workspace, 'observability/legacy-billing');
    const rules = await fs.readFile(
      path.join(directory, 'prometheus-rules.yaml'),
      'utf8',
    );
    // The SLO's burn-rate alerts exist only because of the proposal.
    expect(rules).toContain('slo="availability"');
    expect(rules).toContain('0.005');
    expect(
      await fs.readFile(
        path.join(directory, 'proposed-annotations.yaml'),
        'utf8',
      ),
    ).toContain('    redline.dev/slo-availability: "99.5"');
    expect(outputs.proposedAnnotations).toBe(1);
    expect(outputs.files).toContain(
      'observability/legacy-billing/proposed-annotations.yaml',
    );
  });

  it('generates with a threshold tuned in the dialog and writes its line', async () => {
    const { ctx, outputs } = mockContext(
      {
        entityRef: 'component:default/checkout',
        artifacts: ['prometheus-rules'],
        proposedAnnotations: { 'redline.dev/error-rate-threshold': '3.5' },
      },
      workspace,
    );
    await action.handler(ctx);
    const directory = path.join(workspace, 'observability/checkout');
    const rules = await fs.readFile(
      path.join(directory, 'prometheus-rules.yaml'),
      'utf8',
    );
    expect(rules).toMatch(/> 0\.035\b/);
    expect(
      await fs.readFile(
        path.join(directory, 'proposed-annotations.yaml'),
        'utf8',
      ),
    ).toContain('    redline.dev/error-rate-threshold: "3.5"');
    expect(outputs.proposedAnnotations).toBe(1);
  });

  it('proposes SLO and threshold annotations only', async () => {
    const { ctx } = mockContext(
      {
        entityRef: 'component:default/legacy-billing',
        proposedAnnotations: {
          'redline.dev/slo-availability': '99.5',
          'redline.dev/alert-webhook': 'https://attacker.example/hook',
        },
      },
      workspace,
    );
    await expect(action.handler(ctx)).rejects.toThrow(
      'Invalid input proposedAnnotations: only redline.dev/slo-* and threshold annotations can be proposed, got "redline.dev/alert-webhook"',
    );
    await expect(fs.readdir(workspace)).resolves.toEqual([]);
  });

  it('refuses a target path outside the workspace and an unknown entity', async () => {
    await expect(
      action.handler(
        mockContext(
          { entityRef: 'component:default/checkout', targetPath: '../../etc' },
          workspace,
        ).ctx,
      ),
    ).rejects.toThrow(/outside/i);
    await expect(
      action.handler(
        mockContext({ entityRef: 'component:default/nope' }, workspace).ctx,
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it.each(['../../x', 'checkout', 'component:default/../x', ''])(
    'answers a malformed entityRef %j with an InputError naming the field',
    async entityRef => {
      await expect(
        action.handler(mockContext({ entityRef }, workspace).ctx),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringMatching(/^Invalid input entityRef: /),
      });
    },
  );

  it('says the catalog failed without passing its SQL on', async () => {
    const failing = createGenerateObservabilityAction({
      catalog: {
        getEntityByRef: async () => {
          throw await lockedCatalogError();
        },
      } as any,
      generator,
    });
    const { ctx } = mockContext(
      { entityRef: 'component:default/checkout' },
      workspace,
    );
    const error = await failing.handler(ctx).catch(e => e);
    expect(error).toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'The catalog did not answer (500 Internal Server Error); try again',
    });
    expect(error.cause).toBeUndefined();
    expect(ctx.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('component:default/checkout'),
      expect.objectContaining({ name: 'ResponseError' }),
    );
  });
});
