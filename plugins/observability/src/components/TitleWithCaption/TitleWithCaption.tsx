import Typography from '@mui/material/Typography';

/**
 * A table cell's name in bold over what tells it apart (a category, a
 * description, a variant); no caption line when there is nothing to add.
 */
export function TitleWithCaption({
  title,
  caption,
}: {
  title: string;
  caption?: string;
}) {
  return (
    <>
      <Typography variant="body2" fontWeight="bold">
        {title}
      </Typography>
      {caption && (
        <Typography variant="caption" color="text.secondary">
          {caption}
        </Typography>
      )}
    </>
  );
}
