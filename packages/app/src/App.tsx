import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

// Every other plugin the app depends on (catalog graph, scaffolder, search, notifications,
// user settings, the data lake plugin…) is discovered through `app.packages: all`.
export default createApp({
  features: [catalogPlugin, navModule, signInModule],
});
