import {
  entityRefOfRulerNamespace,
  rulerNamespaceFor,
} from './rulerNamespaces';

describe('ruler namespaces', () => {
  it.each([
    'component:default/checkout',
    'component:my-team/billing',
    'component:default/Weird--Name',
    'api:default/a.b_c',
  ])('reads %s back from its namespace', ref => {
    const namespace = rulerNamespaceFor('redline-', ref);
    expect(entityRefOfRulerNamespace('redline-', namespace)).toBe(
      ref.toLocaleLowerCase('en-US'),
    );
  });

  it('keeps the readable name where the rule file has one', () => {
    expect(rulerNamespaceFor('portal-', 'Component:default/checkout')).toBe(
      'portal-component-default-checkout',
    );
  });

  it.each([
    ['another prefix', 'team-component-default-checkout'],
    ['no entity ref', 'redline-checkout'],
    ['not hex', 'redline-x--zz'],
    [
      'hex of a ref named otherwise',
      `redline-x--${Buffer.from('component:default/checkout').toString('hex')}`,
    ],
  ])('takes a namespace with %s for not its own', (_why, namespace) => {
    expect(entityRefOfRulerNamespace('redline-', namespace)).toBeUndefined();
  });
});
