import fs from 'node:fs/promises';
import path from 'node:path';
import {
  AuthService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CatalogService,
  locationSpecToMetadataName,
} from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { SOURCE_ID_PATTERN } from '@datalake-portal/backstage-plugin-datalake-common';
import { pipelineNameOf } from '../glue/pipelineSpecs';
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
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: { owner?: unknown; system?: unknown };
};

const refOf = (entity: EntityLike) =>
  stringifyEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace,
    name: entity.metadata.name,
  });

const STATE_MACHINE_ANNOTATION = 'datalake-portal.io/state-machine-arn';

/** The entities a source's pipeline consists of: what this action may register, and nothing else. */
function pipelineEntityRefs(sourceId: string): string[] {
  return [
    `system:default/${sourceId}`,
    `resource:default/mysql.${sourceId}`,
    `component:default/${sourceId}-ingestion`,
  ];
}

const ownerRef = (owner: string) =>
  stringifyEntityRef(
    parseEntityRef(owner, {
      defaultKind: 'group',
      defaultNamespace: DEFAULT_NAMESPACE,
    }),
  );

/**
 * Refuses entities that are not the source's pipeline entities, owned by `owner`: the file is
 * rendered from template data, so without this a template could register any kind of entity, of
 * any name and owner, through the catalog's trusted file location.
 */
function checkPipelineEntities(
  entities: EntityLike[],
  sourceId: string,
  owner: string,
): void {
  const allowed = pipelineEntityRefs(sourceId);
  const wantedOwner = ownerRef(owner);
  const seen = new Set<string>();
  for (const entity of entities) {
    const ref = refOf(entity).toLocaleLowerCase('en-US');
    if (!allowed.includes(ref)) {
      throw new InputError(
        `${ref} is not an entity of the ${sourceId} pipeline; this action registers only ${allowed.join(
          ', ',
        )}`,
      );
    }
    if (seen.has(ref)) {
      throw new InputError(`${ref} appears twice`);
    }
    seen.add(ref);
    const entityOwner = entity.spec?.owner;
    if (
      typeof entityOwner !== 'string' ||
      ownerRef(entityOwner) !== wantedOwner
    ) {
      throw new InputError(
        `${ref} must be owned by ${wantedOwner} (the owner this step was given), not ${String(
          entityOwner,
        )}`,
      );
    }
    const stateMachine =
      entity.metadata.annotations?.[STATE_MACHINE_ANNOTATION];
    if (
      stateMachine !== undefined &&
      !String(stateMachine).endsWith(
        `:stateMachine:${pipelineNameOf(sourceId)}`,
      )
    ) {
      throw new InputError(
        `${ref}: ${STATE_MACHINE_ANNOTATION} must name the state machine ${pipelineNameOf(
          sourceId,
        )} of source '${sourceId}'`,
      );
    }
  }
}

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
      "Registers a source's pipeline entities (its System, MySQL Resource and ingestion Component, all with the given owner) from a rendered catalog-info.yaml in the catalog without git: writes it to datalake.catalog.pipelinesDirectory (read by a file location) and refreshes that location.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        sourceId: z =>
          z
            .string()
            .regex(SOURCE_ID_PATTERN)
            .describe(
              'Id of the source (datalake.sources); only its System, MySQL Resource and <sourceId>-ingestion Component are registered, as <sourceId>-ingestion.yaml',
            ),
        owner: z =>
          z
            .string()
            .describe(
              'The owner every entity must have (the caller or one of their groups, unless an admin)',
            ),
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
      checkPipelineEntities(entities, ctx.input.sourceId, ctx.input.owner);
      const entityRefs = entities.map(refOf);
      const fileName = `${ctx.input.sourceId}-ingestion`;
      const target = path.join(directory, `${fileName}.yaml`);
      ctx.output('entityRefs', entityRefs);
      ctx.output('file', target);
      if (ctx.isDryRun) {
        ctx.output('status', 'dry-run');
        return;
      }

      const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
      const status = await ctx.checkpoint({
        key: `datalake-catalog-pipeline-${fileName}`,
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
