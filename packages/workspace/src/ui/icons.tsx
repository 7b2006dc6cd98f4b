/** A handful of 20 px line icons, inline SVG (no icon font). Decorative: the button around them carries the label. */
const paths: Record<string, string> = {
  home: 'M3 10.5 10 4l7 6.5M5 9v7h4v-4h2v4h4V9',
  list: 'M4 5h12M4 10h12M4 15h12',
  bell: 'M10 3a4.5 4.5 0 0 0-4.5 4.5V11L4 13.5h12L14.5 11V7.5A4.5 4.5 0 0 0 10 3Zm-1.8 12.5a1.9 1.9 0 0 0 3.6 0',
  gear: 'M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6Zm6.5 3-.1-1.2 1.6-1.3-1.5-2.6-2 .7a6 6 0 0 0-2-1.2L12 2.5H8.9l-.4 2a6 6 0 0 0-2.1 1.2l-2-.7-1.5 2.6 1.6 1.3-.1 1.1.1 1.2-1.6 1.3 1.5 2.6 2-.7a6 6 0 0 0 2 1.2l.5 2h3l.4-2a6 6 0 0 0 2.1-1.2l2 .7 1.5-2.6-1.6-1.3Z',
  logout: 'M8 4H4v12h4M13 6l4 4-4 4M17 10H8',
  close: 'M5 5l10 10M15 5 5 15',
  copy: 'M7 7h9v9H7zM4 13V4h9',
  transfer: 'M4 7h11l-3-3M16 13H5l3 3',
  clock: 'M10 3a7 7 0 1 0 0 14 7 7 0 0 0 0-14Zm0 3v4l3 2',
  check: 'M4 10.5 8 14l8-8',
  undo: 'M7 6 3 10l4 4M3 10h9a5 5 0 0 1 0 10h-2',
  send: 'M3 10 17 3l-4 14-3-6-7-1Z',
  clip: 'M14 9l-5 5a2.5 2.5 0 0 1-3.5-3.5l6-6a1.7 1.7 0 0 1 2.4 2.4l-6 6',
  text: 'M4 5h12M4 9h12M4 13h7',
  info: 'M10 3a7 7 0 1 0 0 14 7 7 0 0 0 0-14Zm0 6v5M10 6.5v.1',
  note: 'M5 3h7l3 3v11H5zM8 9h5M8 12h5',
  user: 'M10 10a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7Zm-6 7a6 6 0 0 1 12 0',
  phone: 'M6 3h3l1 4-2 1a8 8 0 0 0 4 4l1-2 4 1v3a2 2 0 0 1-2 2A13 13 0 0 1 4 5a2 2 0 0 1 2-2Z',
  search: 'M9 4a5 5 0 1 0 0 10A5 5 0 0 0 9 4Zm4 9 4 4',
  chevron: 'M6 8l4 4 4-4',
  route: 'M5 16V9a3 3 0 0 1 3-3h7M12 3l3 3-3 3',
  wifi: 'M3 8a10 10 0 0 1 14 0M6 11a6 6 0 0 1 8 0M10 14.5v.1',
  chart: 'M4 16V9M9 16V5M14 16v-4',
};

export type IconName = keyof typeof paths;

/** Icons that point along the line of text: mirrored in a right-to-left language (styles.css). */
const POINTING = new Set<IconName>(['logout', 'send', 'undo', 'route']);

export function Icon({ name, size = 18 }: { name: IconName; size?: number }) {
  return (
    <svg className={POINTING.has(name) ? 'icon icon-mirror' : 'icon'} width={size} height={size} viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <path d={paths[name]} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
