import '@testing-library/jest-dom';

// Interaction tests drive material-table and MUI menus through user-event;
// on a loaded 2-core CI machine a few of them need more than Jest's 5 s.
jest.setTimeout(30_000);
