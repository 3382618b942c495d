import {
  Content,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { IdentityApi, SignInPageProps } from '@backstage/core-plugin-api';
import { Button, Grid, Typography } from '@material-ui/core';
import { useState } from 'react';
import { DemoIdentity, demoIdentities } from './demoIdentities';

/** Remembers who signed in, so that a reload signs in again as the same demo identity. */
export const DEMO_IDENTITY_STORAGE_KEY = 'datalake-portal:demo-identity';

/** Keeps the remembered identity until sign-out, and only for a sign-in that worked. */
function rememberedUntilSignOut(
  identity: IdentityApi,
  chosen: DemoIdentity,
): IdentityApi {
  localStorage.setItem(DEMO_IDENTITY_STORAGE_KEY, chosen.id);
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    async signOut() {
      localStorage.removeItem(DEMO_IDENTITY_STORAGE_KEY);
      await identity.signOut();
    },
  };
}

function takeRemembered(): DemoIdentity | undefined {
  const id = localStorage.getItem(DEMO_IDENTITY_STORAGE_KEY);
  // Forgotten until the sign-in succeeds again: a failing one must not trap the page.
  localStorage.removeItem(DEMO_IDENTITY_STORAGE_KEY);
  return demoIdentities.find(i => i.id === id);
}

/**
 * The demo portal's sign-in page: guest, or one of the demo users, so that one browser can play
 * the analyst who asks for access and the owner who approves it.
 */
export function DemoSignInPage(props: SignInPageProps) {
  const { onSignInSuccess } = props;
  const [chosen, setChosen] = useState<DemoIdentity | undefined>(
    takeRemembered,
  );

  if (chosen) {
    return (
      <ProxiedSignInPage
        key={chosen.id}
        provider={chosen.provider}
        headers={
          chosen.userEntityRef
            ? { 'x-demo-user': chosen.userEntityRef }
            : undefined
        }
        onSignInSuccess={identity =>
          onSignInSuccess(rememberedUntilSignOut(identity, chosen))
        }
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header title="Data Lake Portal" />
            <Content>
              <ErrorPanel
                title={`Could not sign in as ${chosen.title}`}
                error={error ?? new Error('Sign-in failed')}
              />
              <Button
                color="primary"
                variant="outlined"
                onClick={() => setChosen(undefined)}
              >
                Choose another identity
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title="Data Lake Portal" />
      <Content>
        <Grid container spacing={2} alignItems="stretch">
          {demoIdentities.map(identity => (
            <Grid item xs={12} sm={6} md={4} key={identity.id}>
              <InfoCard
                title={identity.title}
                variant="fullHeight"
                actions={
                  <Button
                    color="primary"
                    variant="outlined"
                    onClick={() => setChosen(identity)}
                  >
                    {identity.action}
                  </Button>
                }
              >
                <Typography variant="body1">{identity.description}</Typography>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
