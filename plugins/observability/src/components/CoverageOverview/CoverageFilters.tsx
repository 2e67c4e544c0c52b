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

/** Filters picked from a fixed list, where the empty choice "Any" leaves the filter off. */
const SELECT_FILTERS = [
  {
    key: 'lifecycle',
    label: 'Lifecycle',
    options: ['production', 'experimental', 'deprecated'],
    minWidth: 150,
  },
  {
    key: 'tier',
    label: 'Tier',
    options: ['tier-1', 'tier-2', 'tier-3'],
    minWidth: 110,
  },
] as const;

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
      {SELECT_FILTERS.map(({ key, label, options, minWidth }) => (
        <TextField
          key={key}
          select
          size="small"
          label={label}
          value={draft[key]}
          onChange={set(key)}
          sx={{ minWidth }}
        >
          <MenuItem value="">Any</MenuItem>
          {options.map(option => (
            <MenuItem key={option} value={option}>
              {option}
            </MenuItem>
          ))}
        </TextField>
      ))}
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
