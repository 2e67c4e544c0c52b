import { getContrastRatio } from '@material-ui/core/styles';
import {
  CODE_COLOUR_REPLACEMENTS,
  darkTheme,
  lightTheme,
} from './accessibleThemes';

const AA = 4.5;
const STATUSES = ['error', 'warning', 'success', 'info'] as const;

describe.each([
  ['light', lightTheme],
  ['dark', darkTheme],
])('the %s theme', (_mode, unified) => {
  const { palette } = unified.getTheme('v5') as {
    palette: Record<string, any>;
  };

  it.each(STATUSES)('reads "%s" badges and text at 4.5:1 or more', status => {
    const { main, contrastText } = palette[status];
    expect(getContrastRatio(main, contrastText)).toBeGreaterThanOrEqual(AA);
    expect(
      getContrastRatio(main, palette.background.paper),
    ).toBeGreaterThanOrEqual(AA);
    expect(
      getContrastRatio(main, palette.background.default),
    ).toBeGreaterThanOrEqual(AA);
  });

  it('shows code line numbers at 4.5:1 or more', () => {
    const codeBackground =
      CODE_COLOUR_REPLACEMENTS[_mode as 'light' | 'dark'].background;
    expect(
      getContrastRatio(palette.textVerySubtle, codeBackground),
    ).toBeGreaterThanOrEqual(AA);
  });
});

it.each(['light', 'dark'] as const)(
  'replaces every pale %s code colour by one at 4.5:1 or more',
  mode => {
    const { background, colours } = CODE_COLOUR_REPLACEMENTS[mode];
    for (const replacement of Object.values(colours)) {
      expect(getContrastRatio(replacement, background)).toBeGreaterThanOrEqual(
        AA,
      );
    }
  },
);
