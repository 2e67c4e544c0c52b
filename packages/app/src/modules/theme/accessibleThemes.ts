import {
  createBaseThemeOptions,
  createUnifiedTheme,
  palettes,
  type UnifiedTheme,
} from '@backstage/theme';

/**
 * Status colours with at least 4.5:1 contrast (WCAG AA) both as chip
 * backgrounds under their `contrastText` and as text on the page. Material
 * UI's defaults fall short: light `warning` (#ed6c02) is 3.11:1 on white and
 * dark `error` (#f44336) is 3.68:1 under white text, so a "warning" or
 * "firing" badge was hard to read.
 */
export const STATUS_COLOURS = {
  light: {
    error: { main: '#c62828', contrastText: '#ffffff' },
    warning: { main: '#a64d00', contrastText: '#ffffff' },
    success: { main: '#2e7d32', contrastText: '#ffffff' },
    info: { main: '#01579b', contrastText: '#ffffff' },
  },
  dark: {
    error: { main: '#ef9a9a', contrastText: '#000000' },
    warning: { main: '#ffb74d', contrastText: '#000000' },
    success: { main: '#81c784', contrastText: '#000000' },
    info: { main: '#81d4fa', contrastText: '#000000' },
  },
} as const;

/**
 * Code snippets use highlight.js' docco style in the light theme and its
 * dark style in the dark one; several of their colours are too pale on their
 * backgrounds (#f8f8ff, #444), e.g. docco's strings at 3.76:1. Backstage's
 * CodeSnippet takes no style, so its inline colours are matched (browsers
 * serialise them as rgb()) and replaced by shades of the same hue at 4.5:1
 * or more.
 */
export const CODE_COLOUR_REPLACEMENTS = {
  light: {
    background: '#f8f8ff',
    colours: {
      'rgb(33, 145, 97)': '#17694a',
      'rgb(64, 160, 112)': '#1f6e48',
      'rgb(64, 128, 128)': '#2f6262',
      'rgb(187, 102, 136)': '#8f4466',
      'rgb(0, 134, 179)': '#006a8e',
      'rgb(153, 153, 153)': '#6b6b6b',
    },
  },
  dark: {
    background: '#444444',
    colours: {
      'rgb(221, 136, 136)': '#f0aaaa',
      'rgb(119, 119, 119)': '#bdbdbd',
    },
  },
} as const;

export type Mode = 'light' | 'dark';

/** Text in table cells of either Material UI version, except code, which may break anywhere. */
const TABLE_CELL_TEXT = ['.MuiTableCell-root', '.v5-MuiTableCell-root']
  .map(cell => `${cell}, ${cell} :not(code):not(pre)`)
  .join(', ');

function accessibleTheme(mode: Mode): UnifiedTheme {
  const base = palettes[mode];
  const focusColour = mode === 'light' ? base.primary.main : '#9cc9ff';
  return createUnifiedTheme({
    ...createBaseThemeOptions({
      palette: {
        ...base,
        ...STATUS_COLOURS[mode],
        // Line numbers in code snippets use this colour: #ddd was 1.4:1.
        textVerySubtle: mode === 'light' ? '#6e6e6e' : '#bdbdbd',
      },
    }),
    components: {
      // Keyboard users see where they are: Material UI's ripple alone is faint.
      MuiButtonBase: {
        styleOverrides: {
          root: {
            '&.Mui-focusVisible': {
              outline: `2px solid ${focusColour}`,
              outlineOffset: 2,
            },
          },
        },
      },
    },
  });
}

/**
 * Page-wide rules no component theme can express. The new frontend system
 * renders no CssBaseline, so these are mounted by the theme's provider.
 */
export function globalRules(mode: Mode): Record<string, object> {
  return {
    // Names in tables wrap between words, never inside one ("Analyt ics
    // SDK"): Backstage's entity links ask for `break-word`.
    [TABLE_CELL_TEXT]: { wordBreak: 'normal !important' },
    ...Object.fromEntries(
      Object.entries(CODE_COLOUR_REPLACEMENTS[mode].colours).map(
        ([from, to]) => [
          `pre span[style*="color: ${from}"]`,
          { color: `${to} !important` },
        ],
      ),
    ),
  };
}

export const lightTheme = accessibleTheme('light');
export const darkTheme = accessibleTheme('dark');
