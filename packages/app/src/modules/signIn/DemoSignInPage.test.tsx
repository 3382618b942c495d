import { renderInTestApp } from '@backstage/frontend-test-utils';
import { IdentityApi } from '@backstage/core-plugin-api';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DEMO_IDENTITY_STORAGE_KEY, DemoSignInPage } from './DemoSignInPage';

function session(userEntityRef: string, ownershipEntityRefs: string[]) {
  const payload = Buffer.from(
    JSON.stringify({ sub: userEntityRef, exp: Date.now() / 1000 + 3600 }),
  ).toString('base64url');
  return {
    profile: {},
    backstageIdentity: {
      token: `e30.${payload}.sig`,
      identity: { type: 'user', userEntityRef, ownershipEntityRefs },
    },
  };
}

describe('DemoSignInPage', () => {
  const realFetch = global.fetch;
  let fetchMock: jest.Mock;

  beforeEach(() => {
    localStorage.clear();
    fetchMock = jest.fn(async (url: string, init: RequestInit) => {
      const user = new Headers(init.headers).get('x-demo-user');
      const body = url.endsWith('/guest/refresh')
        ? session('user:default/guest', ['user:default/guest'])
        : session(user!, [user!, 'group:default/analysts']);
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    global.fetch = fetchMock as unknown as typeof fetch;
  });

  afterEach(() => {
    global.fetch = realFetch;
  });

  it('offers guest and the demo users', async () => {
    renderInTestApp(<DemoSignInPage onSignInSuccess={jest.fn()} />);

    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    expect(screen.getByText('Ana Analyst')).toBeInTheDocument();
    expect(screen.getByText('Dana Data Engineer')).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('signs in as Ana through the demo provider and remembers her until sign-out', async () => {
    const user = userEvent.setup();
    const onSignInSuccess = jest.fn();
    renderInTestApp(<DemoSignInPage onSignInSuccess={onSignInSuccess} />);

    await user.click(
      await screen.findByRole('button', { name: 'Sign in as Ana' }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toMatch(/\/api\/auth\/demo\/refresh$/);
    expect(new Headers(init.headers).get('x-demo-user')).toBe(
      'user:default/ana',
    );
    const identity: IdentityApi = onSignInSuccess.mock.calls[0][0];
    await expect(identity.getBackstageIdentity()).resolves.toEqual({
      type: 'user',
      userEntityRef: 'user:default/ana',
      ownershipEntityRefs: ['user:default/ana', 'group:default/analysts'],
    });
    expect(localStorage.getItem(DEMO_IDENTITY_STORAGE_KEY)).toBe('ana');

    await identity.signOut();
    expect(localStorage.getItem(DEMO_IDENTITY_STORAGE_KEY)).toBeNull();
  });

  it('signs in again as the remembered identity after a reload', async () => {
    localStorage.setItem(DEMO_IDENTITY_STORAGE_KEY, 'guest');
    const onSignInSuccess = jest.fn();
    renderInTestApp(<DemoSignInPage onSignInSuccess={onSignInSuccess} />);

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalledTimes(1));
    expect(fetchMock.mock.calls[0][0]).toMatch(/\/api\/auth\/guest\/refresh$/);
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });

  it('explains a refused sign-in and lets the user choose again', async () => {
    const user = userEvent.setup();
    fetchMock.mockResolvedValue(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'user:default/dana is not a demo user',
          },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'content-type': 'application/json' } },
      ),
    );
    const onSignInSuccess = jest.fn();
    renderInTestApp(<DemoSignInPage onSignInSuccess={onSignInSuccess} />);

    await user.click(
      await screen.findByRole('button', { name: 'Sign in as Dana' }),
    );

    expect(
      await screen.findByText(/Could not sign in as Dana Data Engineer/),
    ).toBeInTheDocument();
    expect(onSignInSuccess).not.toHaveBeenCalled();
    expect(localStorage.getItem(DEMO_IDENTITY_STORAGE_KEY)).toBeNull();
    await user.click(
      screen.getByRole('button', { name: 'Choose another identity' }),
    );
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });
});
