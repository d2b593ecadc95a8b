import { memo, type ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { safeUrl } from '../lib/safe-url';
import { rehypeSourceOffsets } from '../lib/source-offsets';

/**
 * How message text is shown: Markdown (GFM tables, task lists, code) through react-markdown, which
 * builds React elements and never HTML strings. Raw HTML in a message shows as the text it is
 * (no rehype-raw, no dangerouslySetInnerHTML); links keep only http(s) and mailto targets; images
 * are never fetched (their alt text and address are shown instead); the page's CSP backs all of
 * this up. With `offsets`, text carries its Markdown source position (critique spans).
 */
const components: Components = {
  a: ({ href, children, node: _node, ...rest }) => {
    const target = href === undefined ? '' : safeUrl(href);
    if (target === '') return <span className="md-link-removed">{children}</span>;
    return (
      <a {...rest} href={target} target="_blank" rel="noopener noreferrer nofollow ugc">
        {children}
      </a>
    );
  },
  img: ({ alt, src }) => (
    <span className="md-image" data-testid="md-image">
      [{alt || 'image'}
      {typeof src === 'string' && src !== '' ? `: ${src.length > 80 ? `${src.slice(0, 80)}…` : src}` : ''}]
    </span>
  ),
};

const remarkPlugins: ComponentProps<typeof ReactMarkdown>['remarkPlugins'] = [remarkGfm];
const withOffsets: ComponentProps<typeof ReactMarkdown>['rehypePlugins'] = [rehypeSourceOffsets as never];

// Keep the image URL for the `img` component above (the default transform would keep unsafe ones).
const urlTransform = (url: string, key: string) => (key === 'src' ? url : safeUrl(url));

export interface MarkdownProps {
  text: string;
  offsets?: boolean;
}

/** Memoised by text: while one answer streams, the others are not parsed again on every token. */
export default memo(function Markdown({ text, offsets = false }: MarkdownProps) {
  return (
    <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={offsets ? withOffsets : null} urlTransform={urlTransform} components={components}>
      {text}
    </ReactMarkdown>
  );
});
