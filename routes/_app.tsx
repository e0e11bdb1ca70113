/** The page layout around every route's page. */
import type { ComponentType } from "preact";

/** `Component` is the route's page, already given its data. */
export default function App({ Component }: { Component: ComponentType }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Crypto trades</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/style.css" />
        {/* Not a module: it sets the theme before the first paint. */}
        <script src="/static/theme.js"></script>
        <script type="module" src="/static/islands.js"></script>
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
