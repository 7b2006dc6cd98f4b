/**
 * uPlot and its stylesheet in one module, so `chart.tsx` can load both with one dynamic import:
 * Vite puts them in their own chunk, fetched only when a manager opens the dashboard.
 */
import 'uplot/dist/uPlot.min.css';

export { default as UPlot } from 'uplot';
