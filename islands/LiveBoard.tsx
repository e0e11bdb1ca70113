/**
 * The live part of the page: symbol tabs, the price chart with its moving average, volume by
 * taker side, the whale feed and the connection badge, kept current by `/api/stream`.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { Chart } from "chart.js/auto";
import SymbolCard from "../components/SymbolCard.tsx";
import ChoiceButtons from "../components/ChoiceButtons.tsx";
import type { SeriesPoint, SymbolSummary, TradeView } from "../web/dashboard_queries.ts";

/** Props serialised by the server: the state at first paint. */
export interface LiveBoardProps {
  symbols: string[];
  summaries: SymbolSummary[];
  whales: TradeView[];
  /** The trades come from the simulator, not Binance. */
  simulated: boolean;
  /** The database did not answer when the page was rendered. */
  databaseDown: boolean;
}

const WINDOWS = ["5m", "15m", "1h", "4h", "24h"] as const;
type Status = "connecting" | "live" | "reconnecting" | "stale";
/** A symbol whose newest trade is older than this is shown as stale. */
const STALE_MS = 60_000;

export default function LiveBoard(props: LiveBoardProps) {
  const [symbol, setSymbol] = useState(props.summaries[0]?.symbol ?? props.symbols[0]);
  const [window, setWindow] = useState<typeof WINDOWS[number]>("15m");
  const [summaries, setSummaries] = useState(
    () => Object.fromEntries(props.summaries.map((s) => [s.symbol, s])),
  );
  const [whales, setWhales] = useState(props.whales);
  const [fresh, setFresh] = useState<string[]>([]);
  const [status, setStatus] = useState<Status>("connecting");
  const [series, setSeries] = useState<SeriesPoint[]>([]);
  const [tick, setTick] = useState(0);
  // Re-renders while no event arrives, so a silent feed turns the badge stale.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const clock = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(clock);
  }, []);
  const [databaseDown, setDatabaseDown] = useState(props.databaseDown);
  const databaseDownRef = useRef(databaseDown);
  databaseDownRef.current = databaseDown;
  const priceCanvas = useRef<HTMLCanvasElement>(null);
  const volumeCanvas = useRef<HTMLCanvasElement>(null);
  const charts = useRef<{ price?: Chart; volume?: Chart }>({});

  useEffect(() => {
    const source = new EventSource("/api/stream");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("update", (message) => {
      const summary = JSON.parse(message.data) as SymbolSummary;
      setSummaries((all) => ({ ...all, [summary.symbol]: summary }));
      setTick((n) => n + 1);
    });
    source.addEventListener("whale", (message) => {
      const whale = JSON.parse(message.data) as TradeView;
      const key = `${whale.symbol}:${whale.tradeId}`;
      setWhales((all) => [whale, ...all].slice(0, 50));
      setFresh((keys) => [...keys, key]);
      setTimeout(() => setFresh((keys) => keys.filter((k) => k !== key)), 5_000);
    });
    const reload = async () => {
      try {
        const [aggregates, recent] = await Promise.all([
          fetchJson("/api/aggregates"),
          fetchJson("/api/whales"),
        ]);
        setSummaries(
          Object.fromEntries(aggregates.aggregates.map((s: SymbolSummary) => [s.symbol, s])),
        );
        setWhales(recent.whales);
        setDatabaseDown(false);
      } catch {
        setDatabaseDown(true);
      }
    };
    source.addEventListener("resync", reload);
    // While the database is away, look again every five seconds.
    const retry = setInterval(() => databaseDownRef.current && reload(), 5_000);
    return () => {
      source.close();
      clearInterval(retry);
    };
  }, []);

  // The chart follows the stream, at most once a second.
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetchJson(`/api/series?symbol=${symbol}&window=${window}`, controller.signal)
        .then((body) => {
          setSeries(body.points);
          setDatabaseDown(false);
        })
        .catch((error) => error.name !== "AbortError" && setDatabaseDown(true));
    }, series.length === 0 ? 0 : 1_000);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [symbol, window, tick]);

  useEffect(() => {
    const labels = series.map((p) => new Date(p.time).toLocaleTimeString());
    const price = charts.current.price ??= new Chart(priceCanvas.current!, {
      type: "line",
      data: { labels: [], datasets: [] },
      options: { animation: false, maintainAspectRatio: false, elements: { point: { radius: 0 } } },
    });
    price.data.labels = labels;
    price.data.datasets = [
      { label: "Price", data: series.map((p) => Number(p.close)), borderColor: "#0969da" },
      {
        label: "Moving average",
        data: series.map((p) => Number(p.movingAverage)),
        borderColor: "#bf8700",
      },
    ];
    price.update();
    const volume = charts.current.volume ??= new Chart(volumeCanvas.current!, {
      type: "bar",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true } },
      },
    });
    volume.data.labels = labels;
    volume.data.datasets = [
      {
        label: "Bought by takers",
        data: series.map((p) => Number(p.buyVolume)),
        backgroundColor: "#1a7f37",
      },
      {
        label: "Sold by takers",
        data: series.map((p) => Number(p.sellVolume)),
        backgroundColor: "#cf222e",
      },
    ];
    volume.update();
  }, [series]);

  const current = summaries[symbol];
  const stale = status === "live" && current !== undefined &&
    Math.max(now, Date.now()) - new Date(current.lastTradeTime).getTime() > STALE_MS;
  const badge = stale ? "stale" : status;
  return (
    <div class="board">
      <p class="badges">
        <span class={`badge badge-${badge}`} data-status={badge}>{badge}</span>
        {props.simulated && (
          <span class="badge badge-simulated">simulated feed, not live prices</span>
        )}
      </p>
      {databaseDown && (
        <p class="alert" role="alert">
          The database is not answering; the figures below may be old. Retrying…
        </p>
      )}
      <ChoiceButtons name="tabs" options={props.symbols} chosen={symbol} onChoose={setSymbol} />
      {current ? <SymbolCard summary={current} /> : <p class="empty">No trades stored yet.</p>}
      <ChoiceButtons name="windows" options={WINDOWS} chosen={window} onChoose={setWindow} />
      <div class="chart">
        <canvas ref={priceCanvas} aria-label={`${symbol} price`} />
      </div>
      <div class="chart small">
        <canvas ref={volumeCanvas} aria-label={`${symbol} volume`} />
      </div>
      <h2>Whale trades</h2>
      <ul class="whales">
        {whales.map((whale) => {
          const key = `${whale.symbol}:${whale.tradeId}`;
          return (
            <li key={key} class={fresh.includes(key) ? "fresh" : ""} data-trade-id={whale.tradeId}>
              <time datetime={whale.tradeTime}>{whale.tradeTime.slice(11, 19)}</time>{" "}
              <b>{whale.symbol}</b> {whale.isBuyerMaker ? "sell" : "buy"} {whale.quantity} @{" "}
              {whale.price} = {whale.tradeValue}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

async function fetchJson(url: string, signal?: AbortSignal) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return await response.json();
}
