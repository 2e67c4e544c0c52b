import { MarkdownContent } from '@backstage/core-components';
import { safeHttpUrl } from '../../lib/format';

/** @public */
export interface RunbookMarkdownProps {
  markdown: string;
}

/**
 * Renders runbook Markdown. `MarkdownContent` already sanitises HTML
 * (rehype-sanitize); on top of that every link and image that is not an
 * absolute http(s) URL is dropped, since runbooks can quote annotation values
 * that anyone with catalog write access controls.
 * @public
 */
export function RunbookMarkdown({ markdown }: RunbookMarkdownProps) {
  return (
    <MarkdownContent
      content={markdown}
      linkTarget="_blank"
      transformLinkUri={href => safeHttpUrl(href)}
      transformImageUri={src => safeHttpUrl(src)}
    />
  );
}
