// Pictures as SVG text (no browser needed) and the axis ticks the viewer's charts share.

export * from './axis-ticks.ts';
export * from './format-number.ts';
export * from './line-chart-svg.ts';
export * from './forecast-svg.ts';
export * from './loss-svg.ts';
