import {
  brokenAnnotationsView,
  legacyBillingView,
} from '../../__testUtils__/fixtures';
import { isUndescribed } from './SetupSections';

describe('isUndescribed', () => {
  it('guides only an entity without any observability annotation', () => {
    expect(isUndescribed(legacyBillingView)).toBe(true);
  });

  it('does not call an entity with only invalid annotations undescribed: its findings say what to fix', () => {
    expect(brokenAnnotationsView.findings.length).toBeGreaterThan(15);
    expect(
      brokenAnnotationsView.spec.presentAnnotations.length,
    ).toBeGreaterThan(15);
    expect(isUndescribed(brokenAnnotationsView)).toBe(false);
  });
});
