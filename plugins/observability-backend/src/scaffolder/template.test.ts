import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GENERATE_ACTION_ID } from './actions/generate';

// The demo template ships in catalog/; keep it in step with the action.
const templatePath = path.resolve(
  __dirname,
  '../../../../catalog/templates/observability-pr.yaml',
);

describe('catalog/templates/observability-pr.yaml', () => {
  const template = parse(fs.readFileSync(templatePath, 'utf8'));

  it('is a scaffolder template that runs the generate action, then opens a pull request', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(
      template.spec.steps.map((s: { action: string }) => s.action),
    ).toEqual([GENERATE_ACTION_ID, 'publish:github:pull-request']);
  });

  it('passes only inputs the action declares and uses only outputs it sets', () => {
    const [generate, pr] = template.spec.steps;
    expect(Object.keys(generate.input).sort()).toEqual([
      'entityRef',
      'proposedAnnotations',
      'targetPath',
    ]);
    const used =
      JSON.stringify(pr.input).match(/steps\.generate\.output\.(\w+)/g) ?? [];
    for (const ref of used) {
      expect([
        'serviceName',
        'directory',
        'files',
        'findings',
        'proposedAnnotations',
      ]).toContain(ref.split('.').pop());
    }
    const entityField = template.spec.parameters[0].properties.entityRef;
    expect(entityField['ui:field']).toBe('EntityPicker');
  });
});
