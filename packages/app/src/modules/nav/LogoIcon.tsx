import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
});

/** The Redline pulse line, for the collapsed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg className={classes.svg} viewBox="0 0 46 36" role="img" aria-label="Redline">
      <polyline
        points="2,20 14,20 20,6 28,32 34,20 44,20"
        fill="none"
        stroke="#e53935"
        strokeWidth="4"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
    </svg>
  );
};

