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
    ).toEqual([GENERATE_ACTION_ID, 'debug:log', 'publish:github:pull-request']);
  });

  it('publishes the pull request only when asked, and otherwise shows the files without a repository', () => {
    const [, review, pr] = template.spec.steps;
    const publish = template.spec.parameters[1].properties.publish;
    expect(publish.enum).toEqual(['pull-request', 'review']);
    expect(publish.description).toMatch(/GitHub integration with a token/);
    expect(pr.if).toBe("${{ parameters.publish === 'pull-request' }}");
    expect(review.if).toBe("${{ parameters.publish === 'review' }}");
    expect(review.input.listWorkspace).toBe('with-contents');
    // The repository is asked for only on the pull-request branch.
    expect(template.spec.parameters[1].required).toEqual(['publish']);
  });

  it('has help texts that survive Markdown rendering (no angle-bracket placeholders)', () => {
    const descriptions = JSON.stringify(template.spec.parameters).match(
      /"description":"[^"]*"/g,
    );
    expect(descriptions?.length).toBeGreaterThan(3);
    for (const text of descriptions ?? []) expect(text).not.toMatch(/[<>]/);
    expect(template.spec.parameters[0].properties.targetPath.description).toBe(
      'The files go into a subfolder of this folder named after the service, for example observability/checkout.',
    );
  });

  it('passes only inputs the action declares and uses only outputs it sets', () => {
    const [generate, pr] = template.spec.steps;
    expect(Object.keys(generate.input).sort()).toEqual([
      'artifacts',
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
