import { type FormEvent, useState } from 'react';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';

/** The filters of the coverage page; empty strings mean "any". */
export interface CoverageFilterValues {
  owner: string;
  system: string;
  lifecycle: string;
  tier: string;
}

export const EMPTY_FILTERS: CoverageFilterValues = {
  owner: '',
  system: '',
  lifecycle: '',
  tier: '',
};

const LIFECYCLES = ['production', 'experimental', 'deprecated'];
const TIERS = ['tier-1', 'tier-2', 'tier-3'];

/**
 * Filters are applied on submit (button or Enter) rather than per keystroke,
 * so typing an owner does not fire a backend query for every letter.
 */
export function CoverageFilters({
  value,
  onApply,
}: {
  value: CoverageFilterValues;
  onApply: (filters: CoverageFilterValues) => void;
}) {
  const [draft, setDraft] = useState(value);
  const set =
    (key: keyof CoverageFilterValues) =>
    (event: { target: { value: string } }) =>
      setDraft(current => ({ ...current, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  return (
    <Stack
      component="form"
      direction="row"
      spacing={2}
      useFlexGap
      flexWrap="wrap"
      alignItems="center"
      onSubmit={submit}
      aria-label="Coverage filters"
    >
      <TextField
        size="small"
        label="Owner"
        placeholder="payments or group:default/payments"
        value={draft.owner}
        onChange={set('owner')}
        sx={{ minWidth: 260 }}
      />
      <TextField
        size="small"
        label="System"
        value={draft.system}
        onChange={set('system')}
      />
      <TextField
        select
        size="small"
        label="Lifecycle"
        value={draft.lifecycle}
        onChange={set('lifecycle')}
        sx={{ minWidth: 150 }}
      >
        <MenuItem value="">Any</MenuItem>
        {LIFECYCLES.map(l => (
          <MenuItem key={l} value={l}>
            {l}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        label="Tier"
        value={draft.tier}
        onChange={set('tier')}
        sx={{ minWidth: 110 }}
      >
        <MenuItem value="">Any</MenuItem>
        {TIERS.map(t => (
          <MenuItem key={t} value={t}>
            {t}
          </MenuItem>
        ))}
      </TextField>
      <Button type="submit" variant="outlined">
        Apply filters
      </Button>
      <Button
        onClick={() => {
          setDraft(EMPTY_FILTERS);
          onApply(EMPTY_FILTERS);
        }}
      >
        Clear
      </Button>
    </Stack>
  );
}
