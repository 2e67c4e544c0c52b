import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  type TableColumn,
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
  TeamCoverageSummary,
} from '@redline/backstage-plugin-observability-common';
import { observabilityApiRef } from '../../api';
import { saveBlob } from '../../lib/download';
import { percent } from '../../lib/format';
import { LOW_BUDGETS_TITLE, meetingShare } from '../../lib/sloAttainment';
import { CoverageTrendChart } from '../CoverageTrendChart';
import { LowBudgets, MeetingShare } from '../SloAttainmentCells';
import { SloAttainmentHistory } from '../SloAttainmentHistory';
import { TeamEntitiesTable } from '../TeamEntitiesTable';
import {
  CoverageFilters,
  EMPTY_FILTERS,
  type CoverageFilterValues,
} from './CoverageFilters';

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
      <Typography variant="body2" color="text.secondary">
        {label}
      </Typography>
      {detail && (
        <Typography variant="caption" color="text.secondary">
          {detail}
        </Typography>
      )}
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

type TeamRow = TeamCoverageSummary & { id: string };

function TeamsTable({
  teams,
  onSelect,
}: {
  teams: TeamCoverageSummary[];
  onSelect: (team: string) => void;
}) {
  const share = (field: keyof TeamCoverageSummary) => (row: TeamRow) =>
    percent(row[field] as number);
  // Teams without data sort below every measured share, even 0 %.
  const byMeeting = (a: TeamRow, b: TeamRow) =>
    (meetingShare(a) ?? -1) - (meetingShare(b) ?? -1);
  const lowBudgets = (row: TeamRow) =>
    (row.budgetsNearlyExhausted ?? 0) + (row.budgetsExhausted ?? 0);
  const columns: TableColumn<TeamRow>[] = [
    {
      title: 'Team',
      field: 'team',
      render: row => (
        <Link
          component="button"
          variant="body2"
          onClick={() => onSelect(row.team)}
          aria-label={`Show entities of ${row.team}`}
        >
          {row.team}
        </Link>
      ),
    },
    { title: 'Services', field: 'services', type: 'numeric' },
    { title: 'With SLO', field: 'withSlo', render: share('withSlo') },
    {
      title: 'With runbooks',
      field: 'withRunbooks',
      render: share('withRunbooks'),
    },
    {
      title: 'Rules deployed',
      field: 'withRulesDeployed',
      render: share('withRulesDeployed'),
    },
    {
      title: 'Mean confidence',
      field: 'meanConfidence',
      render: share('meanConfidence'),
      defaultSort: 'asc',
    },
    {
      title: 'SLOs meeting objective',
      field: 'sloMeetingShare',
      render: row => <MeetingShare figures={row} />,
      customSort: byMeeting,
    },
    {
      title: LOW_BUDGETS_TITLE,
      field: 'budgetsExhausted',
      render: row => <LowBudgets figures={row} />,
      customSort: (a, b) =>
        (a.budgetsExhausted ?? 0) - (b.budgetsExhausted ?? 0) ||
        lowBudgets(a) - lowBudgets(b),
    },
  ];
  return (
    <Table<TeamRow>
      title="Teams"
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        draggable: false,
      }}
      columns={columns}
      data={teams.map(t => ({ ...t, id: t.team }))}
      emptyContent={
        <Typography sx={{ p: 2 }} color="text.secondary">
          No team matches these filters.
        </Typography>
      }
    />
  );
}

function TrendCard({ team }: { team?: string }) {
  const api = useApi(observabilityApiRef);
  const { value, loading, error } = useAsync(
    () => api.getCoverageHistory(team ? { team } : {}),
    [api, team],
  );
  return (
    <InfoCard title={`Trend — ${team ?? 'all teams'}`}>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <CoverageTrendChart points={value} scope={team ?? 'all teams'} />
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
  const [filters, setFilters] = useState<CoverageFilterValues>(EMPTY_FILTERS);
  const [team, setTeam] = useState<string | undefined>();
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
          <TrendCard team={team} />
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
          value={filters}
          onApply={next => {
            setFilters(next);
            setTeam(undefined);
          }}
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
