import { Route, Routes } from 'react-router-dom';
import { Content, Header, Page } from '@backstage/core-components';
import Box from '@mui/material/Box';
import { CoverageOverview } from '../CoverageOverview';
import { RunbookPage } from '../RunbookPage';

/** @public */
export interface ObservabilityPageProps {
  /**
   * Render Backstage's page header. The legacy app needs it; the new frontend
   * system's `PageBlueprint` draws its own plugin header, so `/alpha` turns
   * this off to avoid two headers.
   */
  header?: boolean;
}

/**
 * `/observability`: the coverage page, plus the runbook sub-route that
 * generated alerts link to (`runbooks/:namespace/:kind/:name/:alert`).
 * @public
 */
export function ObservabilityPage({ header = true }: ObservabilityPageProps) {
  const content = (
    <Content>
      <Routes>
        <Route path="/" element={<CoverageOverview />} />
        <Route
          path="/runbooks/:namespace/:kind/:name/:alert"
          element={<RunbookPage />}
        />
      </Routes>
    </Content>
  );
  // Backstage's Page is the `main` landmark; without it the page brings its own.
  if (!header) return <Box component="main">{content}</Box>;
  return (
    <Page themeId="tool">
      <Header
        title="Observability"
        subtitle="Alerts, SLOs and runbooks across the catalog"
      />
      {content}
    </Page>
  );
}
