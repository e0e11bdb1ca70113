/** The browser bundle's entry (`deno task build` → static/islands.js): every island, hydrated. */
import "../components/chart_gestures.ts";
import { hydrateIslands } from "./hydrate.ts";
import LiveBoard from "../islands/LiveBoard.tsx";

hydrateIslands({ LiveBoard });
