import { InputError } from '@backstage/errors';
import { CreateJobCommand, GlueClient } from '@aws-sdk/client-glue';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createGlueJobCreateAction } from './createGlueJobs';
import {
  actionContext,
  mockedOptions,
  sakilaInspection,
} from './__testUtils__/pipelineTestContext';

const glue = mockClient(GlueClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  glue.reset();
  s3.reset();
});

/*
 * The gold plan checks the SQL, but the Glue job action takes a pipeline input that can be written
 * by hand: it checks the gold SQL again, against the gold table's declared upstream, before it
 * renders a job, and makes no AWS call when it refuses.
 */
describe('datalake:glue:job:create, gold SQL', () => {
  const input = (sql: string, upstream = ['actor']) => ({
    sourceId: 'sakila',
    inspection: sakilaInspection(),
    tables: ['actor', 'film'],
    gold: [
      {
        table: 'escape',
        sql,
        upstream,
        columns: [{ name: 'n', type: 'bigint' }],
      },
    ],
  });

  it.each([
    [
      'a table the gold table does not declare',
      'SELECT COUNT(*) AS n FROM sakila_silver.actor a, sakila_silver.film f',
      /'sakila_silver.film', which is not one of the chosen silver tables \(actor\)/,
    ],
    [
      'a bronze table',
      'SELECT COUNT(*) AS n FROM sakila_bronze.actor',
      /from database 'sakila_bronze'/,
    ],
    [
      'reflect',
      "SELECT reflect('java.lang.Runtime', 'getRuntime') AS n FROM sakila_silver.actor",
      /'reflect' is not accepted/,
    ],
    [
      'a file path source',
      'SELECT COUNT(*) AS n FROM csv.`s3://raw/x.csv`',
      /file path source/,
    ],
  ])(
    'refuses a hand-written gold table reading %s',
    async (_what, sql, message) => {
      const action = createGlueJobCreateAction(mockedOptions());
      const error = await action
        .handler(actionContext(input(sql)) as any)
        .catch(e => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /gold table 'escape' SQL, line \d+ column \d+/,
      );
      expect(error.message).toMatch(message);
      expect(glue.commandCalls(CreateJobCommand)).toHaveLength(0);
      expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    },
  );

  it('accepts gold SQL over its declared upstream (dry run)', async () => {
    const action = createGlueJobCreateAction(mockedOptions());
    const ctx = actionContext(
      input(
        'SELECT COUNT(*) AS n FROM glue_catalog.sakila_silver.actor a JOIN sakila_silver.film f ON true',
        ['actor', 'film'],
      ),
      true,
    );
    await action.handler(ctx as any);
    const jobNames = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'jobNames',
    )[1];
    expect(jobNames).toContain('datalake-sakila-gold-escape');
  });
});
