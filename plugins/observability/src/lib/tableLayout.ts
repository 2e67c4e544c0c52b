/**
 * Table cells with 8 px of horizontal padding instead of Material UI's
 * 16–24: at 1024 px a card is about 760 px wide, and six or seven columns of
 * default padding alone take a third of it.
 */
export const compactCellPadding = { paddingLeft: 8, paddingRight: 8 };

/** `sx` for a Material UI `Table` whose cells take the compact padding. */
export const compactTableSx = {
  '& th, & td': { px: 1 },
  // The outer cells keep the card's inset, so text lines up with the title.
  '& th:first-of-type, & td:first-of-type': { pl: 2 },
  '& th:last-of-type, & td:last-of-type': { pr: 2 },
} as const;
