/** The browser bundle's entry (`deno task build` → static/islands.js): every island, hydrated. */
import { hydrateIslands } from "./hydrate.ts";
import LiveBoard from "../islands/LiveBoard.tsx";

hydrateIslands({ LiveBoard });
