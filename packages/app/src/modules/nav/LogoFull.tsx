import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: { width: 'auto', height: 30 },
});

/** The Redline word mark: a red pulse line followed by the name. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg className={classes.svg} viewBox="0 0 180 36" role="img" aria-label="Redline">
      <polyline
        points="2,20 14,20 20,6 28,32 34,20 44,20"
        fill="none"
        stroke="#e53935"
        strokeWidth="4"
        strokeLinejoin="round"
        strokeLinecap="round"
      />
      <text x="52" y="27" fill="#ffffff" fontSize="24" fontWeight="700" fontFamily="Helvetica, Arial, sans-serif">
        Redline
      </text>
    </svg>
  );
};

