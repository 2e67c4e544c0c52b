import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The width of the element the ref is attached to, following resizes, so a
 * hand-written SVG chart can draw at its card's real width (text and strokes
 * keep their size instead of being scaled by a viewBox). Until the first
 * measurement, and where ResizeObserver does not exist, `fallback` is used.
 */
export function useContainerWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return undefined;
    const measure = () => {
      const measured = Math.floor(element.getBoundingClientRect().width);
      if (measured > 0) setWidth(measured);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}
