/**
 * The browser half of `compat.ts`: hydrates the islands the server rendered with
 * `island()`. It imports nothing that runs only on the server.
 */
import { type ComponentType, h, hydrate } from "preact";

/** Hydrates every island on the page whose name is in `islands`, with the props beside it. */
export function hydrateIslands(islands: Record<string, ComponentType<never>>): void {
  for (const root of document.querySelectorAll<HTMLElement>("[data-island]")) {
    const name = root.dataset.island!;
    const props = root.previousElementSibling?.textContent;
    const Component = islands[name] as ComponentType | undefined;
    if (Component && props) hydrate(h(Component, JSON.parse(props)), root);
  }
}
