import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  observabilityOutputJsonSchema,
  observabilityOutputSchema,
} from './outputSchema';

describe('observabilityOutputSchema', () => {
  it('matches the committed JSON Schema file (regenerate with scripts/write-output-schema.cjs)', () => {
    const committed = readFileSync(
      join(__dirname, '..', '..', 'schema', 'observability-output.schema.json'),
      'utf8',
    );
    expect(committed).toBe(
      `${JSON.stringify(observabilityOutputJsonSchema(), null, 2)}\n`,
    );
  });

  it("keeps the seed's shape: score bounded, configuration entries need component and config", () => {
    const valid = {
      observability_design: {
        pillars: ['metrics'],
        tools: [],
        dashboards: [{ uid: 'x' }],
      },
      configuration: [{ component: 'prometheus', config: 'groups: []' }],
      alerts: [{ name: 'HighErrorRate' }],
      runbooks: ['# x'],
      confidence_score: 0.5,
    };
    expect(observabilityOutputSchema.safeParse(valid).success).toBe(true);
    expect(
      observabilityOutputSchema.safeParse({ ...valid, confidence_score: 1.2 })
        .success,
    ).toBe(false);
    expect(
      observabilityOutputSchema.safeParse({
        ...valid,
        configuration: [{ component: 'x' }],
      }).success,
    ).toBe(false);
    const schema = observabilityOutputJsonSchema() as {
      properties: { confidence_score: { minimum: number; maximum: number } };
    };
    expect(schema.properties.confidence_score).toEqual({
      type: 'number',
      minimum: 0,
      maximum: 1,
    });
  });
});
