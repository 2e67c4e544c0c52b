import { useId } from 'react';
import Box from '@mui/material/Box';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import Stack from '@mui/material/Stack';
import type {
  ArtifactFileInfo,
  ArtifactId,
} from '@redline/backstage-plugin-observability-common';
import { focusRing } from './focusRing';

/**
 * The files to act on (checkboxes) and the one to preview (radios). The
 * radios share one `name`, so the browser makes them one tab stop moved
 * through with the arrow keys instead of one stop per file.
 */
export function ArtifactPicker({
  artifacts,
  selected,
  previewId,
  onToggle,
  onPreview,
}: {
  artifacts: ArtifactFileInfo[];
  selected: ArtifactId[];
  previewId: ArtifactId | undefined;
  onToggle: (id: ArtifactId) => void;
  onPreview: (id: ArtifactId) => void;
}) {
  const previewGroup = useId();
  return (
    <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
      <FormLabel component="legend">
        Artifacts ({selected.length} of {artifacts.length} selected)
      </FormLabel>
      <FormGroup>
        {artifacts.map(artifact => (
          <Stack key={artifact.id} direction="row" alignItems="center">
            <FormControlLabel
              sx={{ flex: 1 }}
              control={
                <Checkbox
                  sx={focusRing}
                  checked={selected.includes(artifact.id)}
                  onChange={() => onToggle(artifact.id)}
                />
              }
              label={artifact.label}
            />
            <Radio
              size="small"
              sx={focusRing}
              name={previewGroup}
              value={artifact.id}
              checked={previewId === artifact.id}
              disabled={!selected.includes(artifact.id)}
              onChange={() => onPreview(artifact.id)}
              inputProps={{ 'aria-label': `Preview ${artifact.label}` }}
            />
          </Stack>
        ))}
      </FormGroup>
    </Box>
  );
}
