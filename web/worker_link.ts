/**
 * A dashboard worker's line to the main thread: the main thread's frames go into the worker's
 * hub, its LISTEN state into the hub's `listening`, and the worker's questions for the one set
 * of client limits and for the whole dashboard's figures go out and are answered.
 */
import type {
  Answers,
  FromWorker,
  Question,
  Refusal,
  ServingFigures,
  ToWorker,
  WorkerFigures,
} from "../domain/dashboard_workers.ts";
import type { LiveHub } from "./live_hub.ts";
import type { ClientGate } from "./client_limits.ts";

/** Where the worker's messages go: its `self`. */
export interface MainThread {
  postMessage(message: FromWorker): void;
}

/** The worker's side of the line; it is also the worker's {@link ClientGate}. */
export class WorkerLink implements ClientGate {
  readonly #main: MainThread;
  readonly #hub: LiveHub;
  readonly #collect: () => Promise<WorkerFigures>;
  readonly #waiting = new Map<number, (answer: Answers[keyof Answers]) => void>();
  #nextQuestion = 1;

  /** `collect` reports this worker's part of `/metrics` when the main thread asks for it. */
  constructor(main: MainThread, hub: LiveHub, collect: () => Promise<WorkerFigures>) {
    this.#main = main;
    this.#hub = hub;
    this.#collect = collect;
  }

  /** Handles a message of the main thread but `start` and `stop`, which are the worker's own. */
  handle(message: ToWorker): void {
    switch (message.type) {
      case "frame":
        return this.#hub.receive(message.frame);
      case "listening":
        this.#hub.listening = message.listening;
        return;
      case "answer":
        this.#waiting.get(message.id)?.(message.answer);
        this.#waiting.delete(message.id);
        return;
      case "collect":
        this.#collect().then((figures) =>
          this.#main.postMessage({ type: "collected", id: message.id, figures })
        );
    }
  }

  admit(client: string): Promise<Refusal | undefined> {
    return this.#ask({ kind: "admit", client });
  }

  async openStream(client: string): Promise<(() => void) | Refusal> {
    const answer = await this.#ask({ kind: "open-stream", client });
    if (!("slot" in answer)) return answer;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#main.postMessage({ type: "release", slot: answer.slot });
    };
  }

  /** The whole dashboard's figures, over every worker. */
  figures(): Promise<ServingFigures> {
    return this.#ask({ kind: "figures" });
  }

  #ask<K extends Question["kind"]>(question: Question & { kind: K }): Promise<Answers[K]> {
    const id = this.#nextQuestion++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve as (answer: Answers[keyof Answers]) => void);
      this.#main.postMessage({ type: "ask", id, question });
    });
  }
}
