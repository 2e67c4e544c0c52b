import { render, screen } from '@testing-library/react';
import { Sparkline } from './Sparkline';

describe('Sparkline', () => {
  it('draws one polyline vertex per sample, scaled into the box', () => {
    render(
      <Sparkline
        label="Error ratio trend"
        points={[
          [0, 1],
          [10, 3],
          [20, 2],
        ]}
        width={104}
        height={24}
      />,
    );
    const svg = screen.getByRole('img', { name: 'Error ratio trend' });
    const points = svg
      .querySelector('polyline')!
      .getAttribute('points')!
      .split(' ');
    expect(points).toEqual(['2.0,22.0', '52.0,2.0', '102.0,12.0']);
  });

  it('renders nothing with fewer than two samples (empty state)', () => {
    const { container } = render(<Sparkline label="t" points={[[0, 1]]} />);
    expect(container).toBeEmptyDOMElement();
  });

  it('centres a flat series', () => {
    render(
      <Sparkline
        label="flat"
        points={[
          [0, 5],
          [1, 5],
        ]}
        height={20}
      />,
    );
    expect(
      screen.getByRole('img').querySelector('polyline')!.getAttribute('points'),
    ).toBe('2.0,10.0 78.0,10.0');
  });
});
