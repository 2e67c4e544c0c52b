/**
 * The Scaffold alerts dialog's selection through the whole plugin: the zip
 * holds only the ticked files, Apply takes only a ticked rules file and
 * refuses ids the entity has no file for, and its preview diffs against the
 * file deployed in the rules directory.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ApplyPreviewResponse } from '@redline/backstage-plugin-observability-common';
import JSZip from 'jszip';
import request from 'supertest';
import { FakeServer, startEmptyPrometheus } from '../__testUtils__/fakeServer';
import { testEntities } from '../__testUtils__/entities';
import { observabilityPlugin } from '../plugin';

const ENTITY = '/api/observability/entity/component/default/checkout';
const RULES_FILE = 'redline-component-default-checkout.yaml';

describe('file selection', () => {
  let prometheus: FakeServer;
  let rulesDirectory: string;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    prometheus = await startEmptyPrometheus();
  });
  beforeEach(async () => {
    rulesDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'redline-sel-'));
    ({ server } = await startTestBackend({
      features: [
        observabilityPlugin,
        catalogServiceMock.factory({
          entities: testEntities({
            runbookUrl: 'http://127.0.0.1:1/runbooks/checkout',
          }),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.test' },
            observability: {
              prometheus: {
                timeoutMs: 300,
                instances: [
                  {
                    name: 'main',
                    url: prometheus.url,
                    default: true,
                    rulesDirectory,
                  },
                ],
              },
              retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
              apply: { promtoolPath: '/nonexistent/promtool' },
            },
          },
        }),
      ],
    }));
  });
  afterEach(async () => {
    await fs.rm(rulesDirectory, { recursive: true, force: true });
  });
  afterAll(async () => {
    await prometheus.stop();
  });

  async function zipEntries(query: string): Promise<string[]> {
    const res = await request(server)
      .get(`${ENTITY}/bundle.zip${query}`)
      .buffer(true)
      // supertest hands a zip over as a Buffer only with a parser.
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const zip = await JSZip.loadAsync(res.body as Buffer);
    return Object.values(zip.files)
      .filter(entry => !entry.dir)
      .map(entry => entry.name)
      .sort();
  }

  it('zips only the chosen files, and every file without a choice', async () => {
    const all = await zipEntries('');
    expect(all.length).toBeGreaterThan(3);
    expect(
      await zipEntries('?file=prometheus-rules&file=runbook:HighErrorRate'),
    ).toEqual([
      'checkout/prometheus-rules.yaml',
      'checkout/runbooks/HighErrorRate.md',
    ]);
    expect(await zipEntries('?file=alertmanager')).toEqual([
      'checkout/alertmanager.yaml',
    ]);
  });

  it('refuses a zip of a file the entity does not have, naming the parameter', async () => {
    const res = await request(server).get(
      `${ENTITY}/bundle.zip?file=prometheus-rules&file=runbook:NoSuchAlert`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Invalid file\[1\]: component:default\/checkout has no file 'runbook:NoSuchAlert'/,
    );
    const malformed = await request(server).get(
      `${ENTITY}/bundle.zip?file=../../etc/passwd`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(
      /file\.0: must be an artifact id/,
    );
  });

  it('applies a chosen rules file and refuses unknown or non-applicable files by index', async () => {
    const unknown = await request(server)
      .post(`${ENTITY}/apply`)
      .send({ files: ['prometheus-rules', 'runbook:NoSuchAlert'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(
      /^Invalid files\[1\]: component:default\/checkout has no file 'runbook:NoSuchAlert'/,
    );
    const notApplicable = await request(server)
      .post(`${ENTITY}/apply`)
      .send({ files: ['alertmanager'] });
    expect(notApplicable.status).toBe(400);
    expect(notApplicable.body.error.message).toMatch(
      /^Invalid files\[0\]: 'alertmanager' cannot be applied to Prometheus/,
    );
    const empty = await request(server)
      .post(`${ENTITY}/apply`)
      .send({ files: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(
      /files: must name at least one file/,
    );
    expect(await fs.readdir(rulesDirectory)).toEqual([]);

    const applied = await request(server)
      .post(`${ENTITY}/apply`)
      .send({ files: ['prometheus-rules'] });
    expect(applied.status).toBe(200);
    expect(await fs.readdir(rulesDirectory)).toEqual([RULES_FILE]);
  });

  it('previews an apply as a diff against the deployed rules file', async () => {
    const preview = async (): Promise<ApplyPreviewResponse> => {
      const res = await request(server)
        .post(`${ENTITY}/apply/preview`)
        .send({ files: ['prometheus-rules'] });
      expect(res.status).toBe(200);
      return res.body;
    };
    const first = await preview();
    expect(first).toMatchObject({
      entityRef: 'component:default/checkout',
      instance: 'main',
      fileName: RULES_FILE,
      deployed: false,
      changed: true,
      removed: 0,
    });
    expect(first.added).toBe(first.diff.length);
    expect(first.diff[0]).toEqual({
      kind: 'added',
      text: '# redline-entity: component:default/checkout',
    });
    // Previewing writes nothing.
    expect(await fs.readdir(rulesDirectory)).toEqual([]);

    await request(server).post(`${ENTITY}/apply`).send({}).expect(200);
    expect(await preview()).toMatchObject({
      deployed: true,
      changed: false,
      added: 0,
      removed: 0,
    });

    const target = path.join(rulesDirectory, RULES_FILE);
    const deployed = await fs.readFile(target, 'utf8');
    await fs.writeFile(target, `${deployed}# edited by hand\n`);
    const drifted = await preview();
    expect(drifted).toMatchObject({ changed: true, added: 0, removed: 1 });
    expect(drifted.diff).toContainEqual({
      kind: 'removed',
      text: '# edited by hand',
    });
  });
});
