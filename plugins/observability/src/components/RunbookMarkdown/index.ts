export { RunbookMarkdown } from './RunbookMarkdown';
export type { RunbookMarkdownProps } from './RunbookMarkdown';
