export { LayerBrowserPage } from './LayerBrowserPage';
