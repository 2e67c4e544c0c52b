import { mockServices } from '@backstage/backend-test-utils';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  describeEntity,
  exportOpenSlo,
  parseSpec,
  renderOpenSloYaml,
  resolveGeneratorConfig,
} from '@redline/backstage-plugin-observability-common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenSloFileReader } from './OpenSloFileReader';

const config = resolveGeneratorConfig();

function entity(location: string, reference = './openslo.yaml'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      annotations: {
        'backstage.io/managed-by-location': location,
        'redline.dev/openslo': reference,
      },
    },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}

const openSlo = renderOpenSloYaml(
  exportOpenSlo(
    parseSpec(
      {
        ...entity('url:x'),
        metadata: {
          name: 'checkout',
          annotations: { 'redline.dev/slo-availability': '99.5' },
        },
      },
      config,
    ).spec,
  ).documents,
);

function urlReader(files: Record<string, string>) {
  const read: string[] = [];
  const reader = {
    read,
    readUrl: async (url: string) => {
      read.push(url);
      if (!(url in files)) throw new Error(`NotFoundError: ${url}`);
      return { buffer: async () => Buffer.from(files[url]) };
    },
  } as unknown as UrlReaderService & { read: string[] };
  return reader;
}

describe('OpenSloFileReader', () => {
  it('reads the file beside a url: catalog file through the URL reader, once per TTL', async () => {
    const reader = urlReader({
      'https://git.example.com/org/repo/blob/main/svc/openslo.yaml': openSlo,
    });
    let now = 0;
    const files = OpenSloFileReader.create({
      urlReader: reader,
      logger: mockServices.logger.mock(),
      ttlMs: 1000,
      now: () => now,
    });
    const e = entity(
      'url:https://git.example.com/org/repo/blob/main/svc/catalog-info.yaml',
    );
    const inlined = await files.inline(e);
    expect(describeEntity(inlined, config).spec.slos).toEqual([
      expect.objectContaining({ slo: 'availability', objectivePercent: 99.5 }),
    ]);
    await files.inline(e);
    expect(reader.read).toHaveLength(1);
    now = 1001;
    await files.inline(e);
    expect(reader.read).toHaveLength(2);
  });

  it('reads the file beside a file: catalog file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redline-openslo-'));
    try {
      writeFileSync(join(dir, 'openslo.yaml'), openSlo);
      const files = OpenSloFileReader.create({
        urlReader: urlReader({}),
        logger: mockServices.logger.mock(),
      });
      const inlined = await files.inline(
        entity(`file:${join(dir, 'catalog-info.yaml')}`, 'openslo.yaml'),
      );
      expect(
        describeEntity(inlined, config).spec.slos.map(s => s.objectivePercent),
      ).toEqual([99.5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the entity as it is when the file cannot be read, and describing it says so', async () => {
    const logger = mockServices.logger.mock();
    const files = OpenSloFileReader.create({
      urlReader: urlReader({}),
      logger,
    });
    const e = entity(
      'url:https://git.example.com/org/repo/blob/main/catalog-info.yaml',
    );
    const same = await files.inline(e);
    expect(same).toBe(e);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('could not read ./openslo.yaml for checkout'),
    );
    expect(describeEntity(same, config).findings).toContainEqual(
      expect.objectContaining({ id: 'openslo.unread', severity: 'error' }),
    );
  });

  it('leaves entities without a file reference alone', async () => {
    const reader = urlReader({});
    const files = OpenSloFileReader.create({
      urlReader: reader,
      logger: mockServices.logger.mock(),
    });
    const inline = entity('url:https://x.example.com/c.yaml', openSlo);
    expect(await files.inline(inline)).toBe(inline);
    expect(reader.read).toEqual([]);
  });
});
