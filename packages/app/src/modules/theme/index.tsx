import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { ThemeBlueprint } from '@backstage/plugin-app-react';
import { UnifiedThemeProvider } from '@backstage/theme';
import DarkIcon from '@material-ui/icons/Brightness2';
import LightIcon from '@material-ui/icons/WbSunny';
import { makeStyles } from '@material-ui/core/styles';
import type { ReactNode } from 'react';
import { darkTheme, globalRules, lightTheme } from './accessibleThemes';

const useLightRules = makeStyles({ '@global': globalRules('light') });
const useDarkRules = makeStyles({ '@global': globalRules('dark') });

/** Mounts the light theme's page-wide rules around the app. */
function LightRules({ children }: { children: ReactNode }) {
  useLightRules();
  return <>{children}</>;
}

/** Mounts the dark theme's page-wide rules around the app. */
function DarkRules({ children }: { children: ReactNode }) {
  useDarkRules();
  return <>{children}</>;
}

/**
 * Replaces the app's built-in light and dark themes (same extension ids) by
 * ones whose status colours, code colours and focus ring meet WCAG AA.
 */
export const themeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    ThemeBlueprint.make({
      name: 'light',
      params: {
        theme: {
          id: 'light',
          title: 'Light Theme',
          variant: 'light',
          icon: <LightIcon />,
          Provider: ({ children }) => (
            <UnifiedThemeProvider theme={lightTheme}>
              <LightRules>{children}</LightRules>
            </UnifiedThemeProvider>
          ),
        },
      },
    }),
    ThemeBlueprint.make({
      name: 'dark',
      params: {
        theme: {
          id: 'dark',
          title: 'Dark Theme',
          variant: 'dark',
          icon: <DarkIcon />,
          Provider: ({ children }) => (
            <UnifiedThemeProvider theme={darkTheme}>
              <DarkRules>{children}</DarkRules>
            </UnifiedThemeProvider>
          ),
        },
      },
    }),
  ],
});
