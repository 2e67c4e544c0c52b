/**
 * Markdown building blocks that keep catalog text inert: whatever an entity's
 * title, team or URL contains, it renders as the literal text, never as
 * markup, HTML, a link or a template.
 */

import { isHttpUrl } from '../spec/url';
import { sanitizeText } from './escape';

/**
 * One pass over the text: line breaks (become spaces), control characters
 * other than tab (dropped) and the ASCII punctuation CommonMark lets us
 * backslash-escape, minus what is always inert in running text.
 */
const MARKDOWN_UNSAFE =
  // eslint-disable-next-line no-control-regex
  /\r\n|[\r\n\u2028\u2029]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\\`*_{}[\]()<>#+\-.!|~&$^]/g;

/**
 * Escapes text for use inside a Markdown paragraph, heading or table cell:
 * punctuation is backslash-escaped, line breaks become spaces (a newline could
 * start a heading or end a table row) and control characters are dropped.
 * @public
 */
export function escapeMarkdown(text: string): string {
  return text.replace(MARKDOWN_UNSAFE, c => {
    if (
      c === '\r\n' ||
      c === '\r' ||
      c === '\n' ||
      c === '\u2028' ||
      c === '\u2029'
    )
      return ' ';
    return c < ' ' || c === '\u007f' ? '' : `\\${c}`;
  });
}

function longestRun(text: string, char: string): number {
  if (!text.includes(char)) return 0;
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/** Inline code whose delimiter is longer than any backtick run inside. @public */
export function markdownCode(text: string): string {
  const oneLine = text.replace(/\r\n|\r|\n/g, ' ');
  const ticks = '`'.repeat(longestRun(oneLine, '`') + 1);
  return `${ticks} ${oneLine} ${ticks}`;
}

/** A fenced code block whose fence cannot be closed by the content. @public */
export function markdownFence(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Percent-encodes the characters that would end a Markdown link destination. */
function encodeLinkDestination(url: string): string {
  return url.replace(
    /[\s()<>\\`[\]]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/**
 * A link when `url` is an http(s) URL; otherwise the label and the raw value
 * as code, so a `javascript:` URL in the catalog never becomes clickable.
 * @public
 */
export function markdownLink(label: string, url: string | undefined): string {
  if (isHttpUrl(url))
    return `[${escapeMarkdown(label)}](${encodeLinkDestination(url)})`;
  if (url === undefined || url === '')
    return `${escapeMarkdown(label)} (not configured)`;
  return `${escapeMarkdown(label)} (not an http(s) URL: ${markdownCode(url)})`;
}

/**
 * Fills `{name}` placeholders of a URL template with URI-encoded values;
 * placeholders without a value are left for the reader to replace.
 * @public
 */
export function fillUrlTemplate(
  template: string,
  values: Record<string, string>,
): string {
  return template.replace(/\{([a-z_]+)\}/g, (whole, key: string) =>
    key in values ? encodeURIComponent(sanitizeText(values[key])) : whole,
  );
}
