import { markup } from './markup';
import type { Markup } from './markup';

export type Section = 'search' | 'live' | 'integrity' | 'none';

const NAV: Array<{ section: Section; href: string; label: string }> = [
  { section: 'search', href: '/', label: 'Search' },
  { section: 'live', href: '/live', label: 'Live' },
  { section: 'integrity', href: '/integrity', label: 'Integrity' },
];

/** The page around every view: one stylesheet, one deferred script, no inline code. */
export function layout(title: string, section: Section, body: Markup): Markup {
  const links = NAV.map(
    (item) =>
      markup`<li><a href="${item.href}"${item.section === section ? markup` aria-current="page"` : ''}>${item.label}</a></li>`,
  );
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · audit trail</title>
<link rel="stylesheet" href="/assets/viewer.css">
<script src="/assets/viewer.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<span class="brand">Audit trail</span>
<nav aria-label="Main"><ul>${links}</ul></nav>
</header>
<main id="main" tabindex="-1">
${body}
</main>
</body>
</html>`;
}

export function errorPage(status: number, message: string): Markup {
  return layout(
    `Error ${status}`,
    'none',
    markup`<h1>Error ${status}</h1><p class="problem" role="alert">${message}</p><p><a href="/">Back to search</a></p>`,
  );
}
