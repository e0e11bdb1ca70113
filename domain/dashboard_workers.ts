/**
 * The messages between the dashboard's main thread, which holds the LISTEN connection, the live
 * history and the client limits, and its workers, which serve the requests and streams: frames
 * out, questions for the limits and the whole dashboard's figures back.
 */
import type { LiveFrame, LiveHistory } from "./live_event.ts";

/**
 * A request refused: `429` past a client's own limit, `503` when the dashboard serves all the
 * streams it may; the one line to say and the seconds to wait.
 */
export interface Refusal {
  status: 429 | 503;
  message: string;
  retryAfterSeconds: number;
}

/** Requests refused: past a client's requests a second or its streams (429), or the cap (503). */
export interface RefusedCounts {
  requests: number;
  streams: number;
  capacity: number;
}

/** One worker's part of `/metrics`. */
export interface WorkerFigures {
  streamClients: number;
  /** Its request timings: prom-client's `getMetricsAsJSON()` of its registry. */
  timing: object[];
}

/** The whole dashboard's serving figures, over every worker, for `/metrics`. */
export interface ServingFigures {
  /** Whether the LISTEN connection is up. */
  listening: boolean;
  streamClients: number;
  eventsPublished: number;
  /** Requests refused, by the limit they met. */
  refused: RefusedCounts;
  /** Each worker's request timings, as {@link WorkerFigures.timing}, to be summed. */
  timings: object[][];
}

/** What a worker asks the main thread. */
export type Question =
  | { kind: "admit"; client: string }
  | { kind: "open-stream"; client: string }
  | { kind: "figures" };

/** The answer to each kind of {@link Question}: a stream slot is given back by its number. */
export interface Answers {
  admit: Refusal | undefined;
  "open-stream": { slot: number } | Refusal;
  figures: ServingFigures;
}

/** Main thread → worker. */
export type ToWorker =
  | {
    type: "start";
    /** The worker's number, from 0; a replacement keeps the number of the one it replaces. */
    index: number;
    /** The port to serve on, shared by every worker (`SO_REUSEPORT`). */
    port: number;
    /** Its share of the database connections. */
    databaseConnections: number;
    /** The live history so far, for clients catching up. */
    history: LiveHistory;
    listening: boolean;
  }
  | { type: "frame"; frame: LiveFrame }
  | { type: "listening"; listening: boolean }
  | { type: "answer"; id: number; answer: Answers[keyof Answers] }
  | { type: "collect"; id: number }
  | { type: "stop" };

/** Worker → main thread. */
export type FromWorker =
  | { type: "ready" }
  | { type: "ask"; id: number; question: Question }
  | { type: "release"; slot: number }
  | { type: "collected"; id: number; figures: WorkerFigures }
  | { type: "stopped" };
