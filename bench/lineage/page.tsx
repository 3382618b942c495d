/*
 * The benchmark page: renders one graph with the data lake plugin's LineageGraph or with the
 * catalog-graph plugin's renderer (core-components' DependencyGraph, the dagre layout and SVG
 * that EntityRelationsGraph draws with), and reports when the drawing is complete.
 */
import {
  DependencyGraph,
  DependencyGraphTypes,
} from '@backstage/core-components';
import { lightTheme } from '@backstage/theme';
import { ThemeProvider } from '@material-ui/core/styles';
import { createRoot } from 'react-dom/client';
import { LineageGraph } from '../../plugins/datalake/src/components/LineageGraph';

declare global {
  interface Window {
    benchRender(kind: 'lineage' | 'catalog-graph', graph: any): Promise<number>;
  }
}

/** Resolves once `ready()` has held for two consecutive frames. */
function settled(ready: () => boolean): Promise<void> {
  return new Promise(resolve => {
    let streak = 0;
    const tick = () => {
      streak = ready() ? streak + 1 : 0;
      if (streak >= 2) resolve();
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

window.benchRender = async (kind, graph) => {
  const container = document.getElementById('root')!;
  container.innerHTML = '';
  const root = createRoot(container);
  const started = performance.now();
  if (kind === 'lineage') {
    root.render(
      <ThemeProvider theme={lightTheme}>
        <LineageGraph graph={graph} />
      </ThemeProvider>,
    );
    await settled(
      () =>
        container.querySelectorAll('[data-testid="lineage-node"]').length ===
        graph.nodes.length,
    );
  } else {
    root.render(
      <ThemeProvider theme={lightTheme}>
        <DependencyGraph
          nodes={graph.nodes.map((n: any) => ({ id: n.id, name: n.label }))}
          edges={graph.edges.map((e: any) => ({ from: e.from, to: e.to }))}
          direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
          zoom="disabled"
        />
      </ThemeProvider>,
    );
    let lastBox = '';
    await settled(() => {
      const svg = container.querySelector('svg');
      const nodes = container.querySelectorAll('[data-testid="node"]');
      const edges = container.querySelectorAll('[data-testid="edge"]');
      const box = svg ? `${svg.getAttribute('width')}x${svg.getAttribute('height')}` : '';
      const stable = box === lastBox && box !== '' && box !== '0x0' && nodes.length >= graph.nodes.length &&
        edges.length >= graph.edges.length;
      lastBox = box;
      return stable;
    });
  }
  // Force style and layout of the drawn SVG, then measure.
  container.getBoundingClientRect();
  const elapsed = performance.now() - started;
  root.unmount();
  return elapsed;
};
