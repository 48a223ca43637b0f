import {
  createChart,
  type IChartApi,
  type ISeriesApi,
  LineSeries,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from '../shared/api.ts';
import { Unavailable } from '../shared/hooks.tsx';

interface Quote {
  symbol: string;
  bid?: string;
  ask?: string;
  last?: string;
  price?: string;
  at?: string;
}

/**
 * Live quotes on a line chart. Prices arrive as decimal strings; the chart
 * library needs numbers for drawing only — no arithmetic is done on them.
 */
export function PriceChart({ symbol }: { symbol: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (!box.current) return;
    const chart: IChartApi = createChart(box.current, {
      height: 220,
      layout: { background: { color: '#ffffff' }, textColor: '#1b1f24' },
      timeScale: { timeVisible: true, secondsVisible: true },
    });
    const series: ISeriesApi<'Line'> = chart.addSeries(LineSeries, { color: '#0b5cad', lineWidth: 2 });
    let last = 0;
    let alive = true;
    const poll = async () => {
      try {
        const q = await get<Quote>(`/quotes/${symbol}`);
        if (!alive) return;
        setQuote(q);
        const px = Number(q.last ?? q.price ?? q.bid);
        let t = Math.floor((q.at ? Date.parse(q.at) : Date.now()) / 1000);
        if (t <= last) t = last + 1;
        last = t;
        if (Number.isFinite(px)) series.update({ time: t as UTCTimestamp, value: px });
      } catch (err) {
        if (err instanceof ApiError && err.unavailable) setMissing(true);
      }
    };
    poll();
    const timer = setInterval(poll, 2000);
    return () => {
      alive = false;
      clearInterval(timer);
      chart.remove();
    };
  }, [symbol]);
  return (
    <section class="card" aria-labelledby="chart-h">
      <h2 id="chart-h">
        {symbol}{' '}
        {quote && (
          <span data-testid="quote">{quote.last ?? quote.price ?? `${quote.bid} / ${quote.ask}`}</span>
        )}
      </h2>
      {missing && <Unavailable what="Live quotes" />}
      <div ref={box} class="chart" role="img" aria-label={`Price chart of ${symbol}`} />
    </section>
  );
}
