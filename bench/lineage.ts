/*
 * `yarn bench lineage`: a lineage of 1,000 tables and 2,000 edges.
 *
 * Backend: the time to build the graph (entities → facts → buildLineageGraph, depth 10) from
 * in-memory catalog data, median of 20 runs after 5 warm-ups. Browser: headless Chromium renders
 * the same graph with the data lake plugin's LineageGraph (own layered layout, SVG) and with the
 * catalog-graph plugin's renderer (core-components' DependencyGraph: dagre layout, SVG, as
 * EntityRelationsGraph uses it), alternating, median of 5 renders each after one warm-up, in one
 * page bundled with esbuild. Writes bench/results/lineage.json with the ratio.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import {
  buildLineageGraph,
  LineageFacts,
  LineageTable,
} from '../plugins/datalake-backend/src/lineage/buildLineageGraph';
import { benchEntities, refOf } from './lineage/benchGraph';

const root = path.resolve(__dirname, '..');
const TARGETS = { backendMs: 200, renderMs: 1500 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** What LineageService does with catalog entities, minus the AWS reads. */
function factsOf(entities: ReturnType<typeof benchEntities>): LineageFacts {
  const tables = new Map<string, LineageTable>();
  for (const e of entities) {
    const ref = `resource:default/${e.metadata.name}`;
    tables.set(ref, {
      entityRef: ref,
      name: e.metadata.title!,
      layer: e.metadata.annotations!['datalake-portal.io/layer'],
      columns: (e.spec!.columns as any[]).map(c => ({
        name: c.name,
        type: c.type,
      })),
      upstream: e.spec!.dependsOn as string[],
      downstream: (e.relations ?? [])
        .filter(r => r.type === 'dependencyOf')
        .map(r => r.targetRef),
      mysqlUpstream: [],
    });
  }
  return { tables };
}

async function main() {
  const entities = benchEntities();
  const edgeCount = entities.reduce(
    (n, e) => n + (e.spec!.dependsOn as string[]).length,
    0,
  );
  const buildOnce = () =>
    buildLineageGraph({
      rootRef: refOf(0, 0),
      depth: 10,
      facts: factsOf(entities),
    });
  const times: number[] = [];
  let graph = buildOnce();
  for (let i = 0; i < 25; i++) {
    const started = performance.now();
    graph = buildOnce();
    if (i >= 5) times.push(performance.now() - started);
  }
  if (graph.nodes.length !== 1000 || graph.edges.length !== edgeCount) {
    throw new Error(
      `graph has ${graph.nodes.length} nodes and ${graph.edges.length} edges, expected 1000 and ${edgeCount}`,
    );
  }
  const backendMs = median(times);
  console.log(
    `backend build: ${backendMs.toFixed(1)} ms (${graph.nodes.length} nodes, ${
      graph.edges.length
    } edges)`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-lineage-'));
  await build({
    entryPoints: [path.join(__dirname, 'lineage/page.tsx')],
    bundle: true,
    minify: true,
    format: 'iife',
    jsx: 'automatic',
    outfile: path.join(dir, 'page.js'),
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    absWorkingDir: root,
    loader: { '.svg': 'dataurl', '.png': 'dataurl' },
    logLevel: 'error',
  });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><body><div id="root"></div><script src="page.js"></script></body></html>',
  );

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const renders = { lineage: [] as number[], 'catalog-graph': [] as number[] };
  try {
    const page = await browser.newPage({
      viewport: { width: 1600, height: 1000 },
    });
    page.on('crash', () => console.error('page crashed'));
    page.on('pageerror', e => console.error(`page error: ${e.message}`));
    page.on(
      'console',
      m =>
        m.type() === 'error' &&
        console.error(`console: ${m.text().slice(0, 300)}`),
    );
    await page.goto(`file://${path.join(dir, 'index.html')}`);
    await page.waitForFunction(() => typeof window.benchRender === 'function');
    for (let i = 0; i < 6; i++) {
      for (const kind of ['lineage', 'catalog-graph'] as const) {
        const ms = await page.evaluate(
          ([k, g]) => window.benchRender(k as any, g),
          [kind, graph] as const,
        );
        if (i > 0) renders[kind].push(ms);
        console.log(`render ${kind} #${i}: ${ms.toFixed(0)} ms`);
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lineageMs = median(renders.lineage);
  const catalogGraphMs = median(renders['catalog-graph']);
  const result = {
    graph: { nodes: graph.nodes.length, edges: graph.edges.length },
    backend: {
      buildMs: Number(backendMs.toFixed(2)),
      targetMs: TARGETS.backendMs,
      runs: times.length,
    },
    render: {
      lineageGraphMs: Number(lineageMs.toFixed(1)),
      catalogGraphMs: Number(catalogGraphMs.toFixed(1)),
      catalogGraphOverLineage: Number((catalogGraphMs / lineageMs).toFixed(2)),
      targetMs: TARGETS.renderMs,
      runs: renders.lineage.length,
    },
    met: {
      backend: backendMs < TARGETS.backendMs,
      render: lineageMs < TARGETS.renderMs,
      fasterThanCatalogGraph: lineageMs < catalogGraphMs,
    },
    measuredAt: new Date().toISOString(),
  };
  fs.mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench/results/lineage.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  console.log(JSON.stringify(result, null, 2));
  if (!Object.values(result.met).every(Boolean)) process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
