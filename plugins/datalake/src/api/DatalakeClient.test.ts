import { ResponseError } from '@backstage/errors';
import {
  MockFetchApi,
  mockApis,
  registerMswTestHooks,
} from '@backstage/test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DatalakeClient } from './DatalakeClient';

const baseUrl = 'http://backstage.test/api/datalake';

describe('DatalakeClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new DatalakeClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: new MockFetchApi(),
  });

  it('gets the freshness of a table by entity ref', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${baseUrl}/v1/freshness`, ({ request }) => {
        seen.push(new URL(request.url).searchParams.get('entityRef')!);
        return HttpResponse.json({
          entityRef: 'resource:default/sakila-silver-rental',
          lastDataChange: null,
        });
      }),
    );
    const freshness = await client.getFreshness(
      'resource:default/sakila-silver-rental',
    );
    expect(seen).toEqual(['resource:default/sakila-silver-rental']);
    expect(freshness).toEqual({
      entityRef: 'resource:default/sakila-silver-rental',
      lastDataChange: null,
    });
  });

  it('gets the table metadata', async () => {
    server.use(
      http.get(`${baseUrl}/v1/tables/metadata`, ({ request }) =>
        HttpResponse.json({
          entityRef: new URL(request.url).searchParams.get('entityRef'),
          formatVersion: 2,
        }),
      ),
    );
    await expect(
      client.getTableMetadata('resource:default/a&b'),
    ).resolves.toEqual({ entityRef: 'resource:default/a&b', formatVersion: 2 });
  });

  it('throws a ResponseError with the backend error on non-2xx answers', async () => {
    server.use(
      http.get(`${baseUrl}/v1/freshness`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: 'No data lake table entity resource:default/nope',
            },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client
      .getFreshness('resource:default/nope')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.name).toBe('NotFoundError');
    expect(error.cause.message).toBe(
      'No data lake table entity resource:default/nope',
    );
  });
});
