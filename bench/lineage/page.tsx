/*
 * The benchmark page: renders one graph with the data lake plugin's LineageGraph or with the
 * catalog-graph plugin's renderer (core-components' DependencyGraph, the dagre layout and SVG
 * that EntityRelationsGraph draws with), and reports when the drawing is complete.
 */
import {
  DependencyGraph,
  DependencyGraphTypes,
} from '@backstage/core-components';
import { ApiProvider } from '@backstage/core-app-api';
import { lightTheme } from '@backstage/theme';
import { ThemeProvider } from '@material-ui/core/styles';
import { createRoot } from 'react-dom/client';
import { LineageGraph } from '../../plugins/datalake/src/components/LineageGraph';

declare global {
  interface Window {
    benchRender(kind: 'lineage' | 'catalog-graph', graph: any): Promise<number>;
  }
}

/** The few app APIs core-components reach for outside an app. */
const apis = {
  get(ref: { id: string }): any {
    if (ref.id === 'core.error') {
      return {
        post: (e: Error) => console.error(e),
        error$: () => ({ subscribe: () => ({ unsubscribe() {} }) }),
      };
    }
    if (ref.id === 'core.analytics') return { captureEvent() {} };
    if (ref.id === 'core.translation') {
      // Default messages only: the benchmark needs no languages.
      const snapshot = (translationRef: any) => {
        const messages = translationRef.getDefaultMessages?.() ?? {};
        return { ready: true, t: (key: string) => messages[key] ?? key };
      };
      return {
        getTranslation: snapshot,
        translation$: (translationRef: any) => ({
          subscribe: (observer: any) => {
            observer.next?.(snapshot(translationRef));
            return { unsubscribe() {}, closed: false };
          },
          [Symbol.observable ?? '@@observable']() {
            return this;
          },
        }),
      };
    }
    return undefined;
  },
};

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
      <ApiProvider apis={apis as any}>
        <ThemeProvider theme={lightTheme}>
          <DependencyGraph
            nodes={graph.nodes.map((n: any) => ({ id: n.id, name: n.label }))}
            edges={graph.edges.map((e: any) => ({ from: e.from, to: e.to }))}
            direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
            zoom="disabled"
          />
        </ThemeProvider>
      </ApiProvider>,
    );
    let lastBox = '';
    await settled(() => {
      const svg = container.querySelector('svg');
      const nodes = container.querySelectorAll('[data-testid="node"]');
      const edges = container.querySelectorAll('[data-testid="edge"]');
      const box = svg
        ? `${svg.getAttribute('width')}x${svg.getAttribute('height')}`
        : '';
      const stable =
        box === lastBox &&
        box !== '' &&
        box !== '0x0' &&
        nodes.length >= graph.nodes.length &&
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
