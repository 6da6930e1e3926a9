// The public real series of issue-style acceptance runs, all from the vega-datasets npm package (a dev dependency):
// a trending monthly one, a daily one and an hourly one, plus monthly stock prices (a random walk, the hardest
// case for any model against the naive forecast). No side effects: scripts import the list.
import { join } from 'node:path';
import type { DataSource } from '../src/train/dataset.ts';

export const VEGA_DATA = join(import.meta.dirname, '..', 'node_modules', 'vega-datasets', 'data');

export interface RealSeries {
  name: string;
  /** What the series is, for the table. */
  about: string;
  data: DataSource;
}

export const REAL_SERIES: RealSeries[] = [
  { name: 'co2-concentration CO2', about: 'monthly, trending (Mauna Loa CO2, 1958–2020)', data: { file: join(VEGA_DATA, 'co2-concentration.csv'), column: 'CO2' } },
  { name: 'seattle-weather temp_max', about: 'daily (Seattle maximum temperature, 2012–2015)', data: { file: join(VEGA_DATA, 'seattle-weather.csv'), column: 'temp_max' } },
  { name: 'seattle-weather-hourly-normals temperature', about: 'hourly (Seattle temperature normals, one year)', data: { file: join(VEGA_DATA, 'seattle-weather-hourly-normals.csv'), column: 'temperature' } },
  { name: 'stocks price, symbol=MSFT', about: 'monthly (Microsoft share price, 2000–2010), long format filtered', data: { file: join(VEGA_DATA, 'stocks.csv'), column: 'price', where: { column: 'symbol', value: 'MSFT' } } },
];
