import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type {
  CoverageQuery,
  CoverageResponse,
  CoverageSortField,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { saveBlob } from '../../lib/download';
import { percent } from '../../lib/format';
import { meetingShare } from '../../lib/sloAttainment';
import { CoverageTrendChart } from '../CoverageTrendChart';
import { SloAttainmentHistory } from '../SloAttainmentHistory';
import { TeamEntitiesTable } from '../TeamEntitiesTable';
import { TitleWithCaption } from '../TitleWithCaption';
import { TeamsTable } from './TeamsTable';
import { CoverageFilters, type CoverageFilterValues } from './CoverageFilters';
import {
  type CoverageUrlState,
  filtersTheTrendIgnores,
  readCoverageUrlState,
  trendTeam,
  writeCoverageUrlState,
} from './urlState';

/** Filter form values → the wire query; an empty field means "any". */
export function toQuery(
  filters: CoverageFilterValues,
  team?: string,
): CoverageQuery {
  const list = (value: string) => (value.trim() ? [value.trim()] : undefined);
  return {
    // Drilling into a team narrows the owner filter to that team's name, which the backend matches.
    owner: team ? [team] : list(filters.owner),
    system: list(filters.system),
    lifecycle: list(filters.lifecycle),
    tier: list(filters.tier),
  };
}

function Figure({
  label,
  value,
  detail,
}: {
  label: string;
  value: string;
  detail?: string;
}) {
  return (
    <Paper
      variant="outlined"
      sx={{ p: 2, textAlign: 'center', height: '100%' }}
    >
      <Typography variant="h4" component="p">
        {value}
      </Typography>
      <TitleWithCaption title={label} caption={detail} titleStyle="muted" />
    </Paper>
  );
}

function SummaryFigures({ summary }: { summary: CoverageResponse['summary'] }) {
  const meeting = meetingShare(summary);
  const figures = [
    { label: 'Services', value: String(summary.services) },
    { label: 'With SLO', value: percent(summary.withSlo) },
    { label: 'With runbooks', value: percent(summary.withRunbooks) },
    { label: 'Rules deployed', value: percent(summary.withRulesDeployed) },
    { label: 'Mean confidence', value: percent(summary.meanConfidence) },
    {
      label: 'SLOs meeting objective',
      value: meeting === null ? 'no data' : percent(meeting),
      detail:
        meeting === null
          ? undefined
          : `${summary.slosMeeting} of ${summary.slosMeasured} measured`,
    },
  ];
  return (
    <Grid
      container
      spacing={2}
      component="section"
      aria-label="Coverage summary"
    >
      {figures.map(f => (
        <Grid item xs={6} sm={4} md key={f.label}>
          <Figure {...f} />
        </Grid>
      ))}
    </Grid>
  );
}

function TrendCard({ state }: { state: CoverageUrlState }) {
  const api = useApi(observabilityApiRef);
  const team = trendTeam(state);
  const { value, loading, error } = useAsync(
    () => api.getCoverageHistory(team ? { team } : {}),
    [api, team],
  );
  const ignored = filtersTheTrendIgnores(state.filters);
  return (
    <InfoCard title={`Trend — ${team ?? 'all teams'}`}>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <CoverageTrendChart points={value} scope={team ?? 'all teams'} />
      )}
      {ignored.length > 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          History is kept per team: this trend covers every {ignored.join(', ')}
          .
        </Typography>
      )}
    </InfoCard>
  );
}

function TeamDrillDown({
  team,
  filters,
  onBack,
}: {
  team: string;
  filters: CoverageFilterValues;
  onBack: () => void;
}) {
  const api = useApi(observabilityApiRef);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(25);
  const [sort, setSort] = useState<{
    field?: CoverageSortField;
    order: 'asc' | 'desc';
  }>({ field: 'confidence', order: 'asc' });
  const { value, loading, error } = useAsync(
    () =>
      api.getCoverage({
        ...toQuery(filters, team),
        page,
        pageSize,
        sort: sort.field,
        order: sort.order,
      }),
    [api, team, filters, page, pageSize, sort],
  );
  return (
    <InfoCard
      title={
        <Breadcrumbs aria-label="Drill-down">
          <Link component="button" variant="h5" onClick={onBack}>
            All teams
          </Link>
          <Typography variant="h5" component="span" color="text.primary">
            {team}
          </Typography>
        </Breadcrumbs>
      }
    >
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <TeamEntitiesTable
          items={value.items}
          totalItems={value.totalItems}
          page={value.page}
          pageSize={value.pageSize}
          sort={sort.field}
          order={sort.order}
          onPageChange={setPage}
          onPageSizeChange={size => {
            setPageSize(size);
            setPage(1);
          }}
          onSortChange={(field, order) => {
            setSort({ field, order });
            setPage(1);
          }}
        />
      )}
    </InfoCard>
  );
}

/**
 * The coverage page: summary figures, a per-team table with drill-down to a
 * team's entities, filters served by the backend, a trend from history,
 * SLO attainment by month, CSV export and the catalog's (or the team's)
 * Alertmanager config.
 * @public
 */
export function CoverageOverview() {
  const api = useApi(observabilityApiRef);
  // Filters and drill-down live in the address, so a shared link restores them.
  const [searchParams, setSearchParams] = useSearchParams();
  // Memoised: the filters object is a dependency of the queries below.
  const urlState = useMemo(
    () => readCoverageUrlState(searchParams),
    [searchParams],
  );
  const { filters, team } = urlState;
  const setTeam = (next?: string) =>
    setSearchParams(writeCoverageUrlState({ filters, team: next }));
  const setFilters = (next: CoverageFilterValues) =>
    setSearchParams(writeCoverageUrlState({ filters: next }));
  // One row is enough here: this call is for the summary and the team table.
  const { value, loading, error } = useAsync(
    () => api.getCoverage({ ...toQuery(filters), page: 1, pageSize: 1 }),
    [api, filters],
  );
  const [exported, exportCsv] = useAsyncFn(async () => {
    const file = await api.exportCoverageCsv(toQuery(filters, team));
    saveBlob(file.blob, file.fileName);
  }, [api, filters, team]);
  const [alertmanager, downloadAlertmanager] = useAsyncFn(async () => {
    const file = await api.getCatalogAlertmanagerConfig(team ? { team } : {});
    saveBlob(file.blob, file.fileName);
  }, [api, team]);

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <ResponseErrorPanel error={error} />;
  else if (!value || (value.summary.services === 0 && value.totalItems === 0)) {
    body = (
      <EmptyState
        missing="data"
        title="No coverage data yet"
        description="Coverage is computed by the observability backend on a schedule. Nothing matches these filters, or the first evaluation has not run yet."
      />
    );
  } else {
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <SummaryFigures summary={value.summary} />
          {value.evaluatedAt && (
            <Typography variant="caption" color="text.secondary">
              Evaluated {new Date(value.evaluatedAt).toLocaleString()}
            </Typography>
          )}
        </Grid>
        <Grid item xs={12}>
          {team ? (
            <TeamDrillDown
              team={team}
              filters={filters}
              onBack={() => setTeam(undefined)}
            />
          ) : (
            <TeamsTable teams={value.teams} onSelect={setTeam} />
          )}
        </Grid>
        <Grid item xs={12}>
          <TrendCard state={urlState} />
        </Grid>
        <Grid item xs={12}>
          <SloAttainmentHistory team={team} />
        </Grid>
      </Grid>
    );
  }

  return (
    <Box>
      <Box
        sx={{
          display: 'flex',
          justifyContent: 'space-between',
          alignItems: 'flex-start',
          gap: 2,
          mb: 3,
          flexWrap: 'wrap',
        }}
      >
        <CoverageFilters
          // A new address (back button, shared link) resets the form's draft.
          key={searchParams.toString()}
          value={filters}
          onApply={setFilters}
        />
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          <Button
            variant="outlined"
            onClick={exportCsv}
            disabled={exported.loading}
          >
            {exported.loading ? 'Exporting…' : 'Export CSV'}
          </Button>
          <Button
            variant="outlined"
            onClick={downloadAlertmanager}
            disabled={alertmanager.loading}
          >
            {team
              ? `Download Alertmanager config for ${team}`
              : 'Download Alertmanager config'}
          </Button>
        </Box>
      </Box>
      {exported.error && (
        <ResponseErrorPanel error={exported.error} title="Export failed" />
      )}
      {alertmanager.error && (
        <ResponseErrorPanel
          error={alertmanager.error}
          title="Alertmanager config download failed"
        />
      )}
      {body}
    </Box>
  );
}
