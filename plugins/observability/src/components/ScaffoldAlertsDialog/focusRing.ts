/**
 * A visible ring on keyboard focus: MUI's default is a faint ripple that
 * fails WCAG 2.4.7 against the dialog's background.
 */
export const focusRing = {
  '&.Mui-focusVisible': {
    outline: '3px solid',
    outlineColor: 'primary.main',
    outlineOffset: '2px',
  },
} as const;
