import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Interaction tests drive material-table and MUI menus through user-event;
// on a loaded 2-core CI machine a few of them need more than Jest's 5 s.
jest.setTimeout(30_000);

// `findBy…` and `waitFor` give up after 1 s by default. On the same loaded
// machine a render after a mocked fetch can take longer than that; a wait
// that ends as soon as its assertion holds loses nothing by a longer limit.
configure({ asyncUtilTimeout: 5_000 });
