import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { DemoSignInPage } from './DemoSignInPage';

/**
 * Sign-in for the demo portal: guest, or one of the demo users (ana, dana) that the
 * development-only `demo` provider of the backend accepts. A production app replaces it with
 * its identity provider (and the backend's `auth.providers` with the matching provider module).
 */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => DemoSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
