import Typography from '@mui/material/Typography';

const titleProps = {
  bold: { fontWeight: 'bold' },
  muted: { color: 'text.secondary' },
} as const;

/**
 * A name over what tells it apart (a category, a description, a variant);
 * no caption line when there is nothing to add. The name is bold where it
 * heads a table cell, muted where it labels a figure shown above it.
 */
export function TitleWithCaption({
  title,
  caption,
  titleStyle = 'bold',
}: {
  title: string;
  caption?: string;
  titleStyle?: keyof typeof titleProps;
}) {
  return (
    <>
      <Typography variant="body2" {...titleProps[titleStyle]}>
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
