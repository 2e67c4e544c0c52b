import { makeStyles } from '@material-ui/core';
import { PulseLine } from './PulseLine';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 28 },
});

/** The pulse line alone, for the collapsed sidebar. */
export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      viewBox="0 0 46 36"
      role="img"
      aria-label="Redline"
    >
      <PulseLine />
    </svg>
  );
};
