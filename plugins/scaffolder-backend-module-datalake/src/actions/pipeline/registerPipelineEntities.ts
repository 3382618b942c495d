import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AuthService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { parseAllDocuments } from 'yaml';
import { examples } from './registerPipelineEntities.examples';

/**
 * Where the pipeline entities go when no git publisher is used: `datalake.catalog.pipelinesDirectory`.
 * The portal's `catalog.locations` must hold a `file` location `<directory>/*.yaml`.
 *
 * @public
 */
export type PipelineCatalogOptions = {
  /** Absolute directory (relative paths in config are resolved against the backend's cwd). */
  directory?: string;
  catalog: CatalogService;
  auth: AuthService;
};

type EntityLike = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

function parseEntities(text: string, file: string): EntityLike[] {
  const entities = parseAllDocuments(text).map((document, index) => {
    if (document.errors.length > 0) {
      throw new InputError(
        `${file}: document ${index + 1} is not valid YAML: ${
          document.errors[0].message
        }`,
      );
    }
    return document.toJS() as EntityLike | null;
  });
  const present = entities.filter((e): e is EntityLike => e !== null);
  for (const entity of present) {
    if (
      typeof entity?.apiVersion !== 'string' ||
      typeof entity.kind !== 'string' ||
      typeof entity.metadata?.name !== 'string'
    ) {
      throw new InputError(
        `${file}: every document must be a catalog entity with apiVersion, kind and metadata.name`,
      );
    }
  }
  if (present.length === 0) {
    throw new InputError(`${file} holds no entity`);
  }
  return present;
}

/**
 * `datalake:catalog:pipeline:register`: puts a rendered `catalog-info.yaml` into the catalog
 * without a git repository. It writes the file into the configured directory (which the catalog
 * reads through a `file` location with a glob) and asks the catalog to refresh that location, so
 * the entities appear within seconds. Idempotent: the same content is left alone.
 *
 * Locations of type `file` cannot be added through the catalog API (only `url` is allowed by
 * default), hence one configured glob location instead of one location per pipeline.
 *
 * @public
 */
export function createPipelineCatalogRegisterAction(
  options: PipelineCatalogOptions,
) {
  return createTemplateAction({
    id: 'datalake:catalog:pipeline:register',
    description:
      'Registers the entities of a rendered catalog-info.yaml in the catalog without git: writes it to datalake.catalog.pipelinesDirectory (read by a file location) and refreshes that location.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
            .describe('File name (without .yaml) in the pipelines directory'),
        filePath: z =>
          z
            .string()
            .optional()
            .describe(
              'The entity file in the workspace (default catalog-info.yaml)',
            ),
      },
      output: {
        entityRefs: z => z.array(z.string()),
        file: z => z.string(),
        status: z => z.enum(['written', 'unchanged', 'dry-run']),
      },
    },
    async handler(ctx) {
      const directory = options.directory;
      if (!directory) {
        throw new InputError(
          'datalake.catalog.pipelinesDirectory is not configured; publish the catalog-info.yaml to git instead',
        );
      }
      const source = resolveSafeChildPath(
        ctx.workspacePath,
        ctx.input.filePath ?? 'catalog-info.yaml',
      );
      const text = await fs.readFile(source, 'utf8').catch(() => {
        throw new InputError(
          `${
            ctx.input.filePath ?? 'catalog-info.yaml'
          } is not in the workspace; render it with fetch:template first`,
        );
      });
      const entities = parseEntities(text, path.basename(source));
      const entityRefs = entities.map(e => stringifyEntityRef(e));
      const target = path.join(directory, `${ctx.input.name}.yaml`);
      ctx.output('entityRefs', entityRefs);
      ctx.output('file', target);
      if (ctx.isDryRun) {
        ctx.output('status', 'dry-run');
        return;
      }

      const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
      const status = await ctx.checkpoint({
        key: `datalake-catalog-pipeline-${ctx.input.name}`,
        fn: async () => {
          if (existing === text) {
            return 'unchanged' as const;
          }
          await fs.mkdir(directory, { recursive: true });
          // Write then rename: the catalog never reads a half-written file.
          const temporary = `${target}.${process.pid}.tmp`;
          await fs.writeFile(temporary, text, 'utf8');
          await fs.rename(temporary, target);
          return 'written' as const;
        },
      });
      const locationRef = stringifyEntityRef({
        kind: 'Location',
        namespace: 'default',
        name: locationSpecToMetadataName({
          type: 'file',
          target: path.join(directory, '*.yaml'),
        }),
      });
      try {
        await options.catalog.refreshEntity(locationRef, {
          credentials: await options.auth.getOwnServiceCredentials(),
        });
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') {
          throw new NotFoundError(
            `The catalog has no file location ${path.join(
              directory,
              '*.yaml',
            )}; add it to catalog.locations so that the pipeline entities are read`,
          );
        }
        throw error;
      }
      ctx.logger.info(
        `${
          status === 'written' ? 'Wrote' : 'Kept'
        } ${target}: ${entityRefs.join(', ')}`,
      );
      ctx.output('status', status);
    },
  });
}
