/**
 * The data lake frontend plugin: browse the lake's tables by layer, and (in later releases)
 * lineage, run status and access requests on table pages.
 *
 * The default export is the plugin for the new frontend system; the named legacy exports serve
 * apps on the old one.
 *
 * @packageDocumentation
 */
export { datalakePlugin as default, datalakePage } from './plugin';
export { datalakeLegacyPlugin, DatalakeLayerBrowserPage } from './legacy';
export { LayerBrowserPage } from './components/LayerBrowserPage';
