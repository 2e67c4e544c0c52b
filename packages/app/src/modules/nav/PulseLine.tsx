/** The Redline mark: a red pulse line, shared by the full logo and the icon. */
export const PulseLine = () => (
  <polyline
    points="2,20 14,20 20,6 28,32 34,20 44,20"
    fill="none"
    stroke="#e53935"
    strokeWidth="4"
    strokeLinejoin="round"
    strokeLinecap="round"
  />
);
