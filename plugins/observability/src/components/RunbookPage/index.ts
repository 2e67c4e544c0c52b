export { RunbookPage } from './RunbookPage';
