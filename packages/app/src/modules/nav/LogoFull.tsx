import { makeStyles } from '@material-ui/core';
import { PulseLine } from './PulseLine';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 30 },
});

/** The Redline word mark: the pulse line followed by the name. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg
      className={classes.svg}
      viewBox="0 0 180 36"
      role="img"
      aria-label="Redline"
    >
      <PulseLine />
      <text
        x="52"
        y="27"
        fill="#ffffff"
        fontSize="24"
        fontWeight="700"
        fontFamily="Helvetica, Arial, sans-serif"
      >
        Redline
      </text>
    </svg>
  );
};
