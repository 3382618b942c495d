import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPipelineCatalogRegisterAction } from './registerPipelineEntities';

const ENTITIES = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: sakila-ingestion
spec:
  type: data-pipeline
  lifecycle: production
  owner: group:default/data-engineering
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: sakila
spec:
  owner: group:default/data-engineering
`;

describe('datalake:catalog:pipeline:register', () => {
  let workspace: string;
  let directory: string;

  beforeEach(() => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-register-'));
    workspace = path.join(root, 'workspace');
    directory = path.join(root, 'pipelines');
    fs.mkdirSync(workspace);
  });

  function setup(entities: string | undefined = ENTITIES) {
    if (entities !== undefined) {
      fs.writeFileSync(path.join(workspace, 'catalog-info.yaml'), entities);
    }
    const catalog = catalogServiceMock.mock();
    const action = createPipelineCatalogRegisterAction({
      directory,
      catalog,
      auth: mockServices.auth(),
    });
    const ctx = createMockActionContext({
      input: { sourceId: 'sakila', owner: 'group:default/data-engineering' },
      workspacePath: workspace,
    });
    return { action, catalog, ctx };
  }

  it('writes the entities and refreshes the glob location, once', async () => {
    const { action, catalog, ctx } = setup();
    await action.handler(ctx);
    const target = path.join(directory, 'sakila-ingestion.yaml');
    expect(fs.readFileSync(target, 'utf8')).toBe(ENTITIES);
    expect(ctx.output).toHaveBeenCalledWith('entityRefs', [
      'component:default/sakila-ingestion',
      'system:default/sakila',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('status', 'written');
    const name = locationSpecToMetadataName({
      type: 'file',
      target: path.join(directory, '*.yaml'),
    });
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      `location:default/${name}`,
      expect.anything(),
    );

    const again = setup();
    await again.action.handler(again.ctx);
    expect(again.ctx.output).toHaveBeenCalledWith('status', 'unchanged');
  });

  it('refuses a file that is not a list of entities', async () => {
    const { action, ctx } = setup('kind: Component\n');
    await expect(action.handler(ctx)).rejects.toThrow(InputError);
  });

  it('says what to configure when the catalog has no such location', async () => {
    const { action, catalog, ctx } = setup();
    catalog.refreshEntity.mockRejectedValue(new NotFoundError('no entity'));
    await expect(action.handler(ctx)).rejects.toThrow(
      /has no file location .*\*\.yaml; add it to catalog.locations/,
    );
  });

  it.each([
    [
      'another kind',
      ENTITIES.replace('kind: System', 'kind: User'),
      /user:default\/sakila is not an entity of the sakila pipeline/,
    ],
    [
      'an entity of another source',
      ENTITIES.replace('name: sakila\n', 'name: billing\n'),
      /system:default\/billing is not an entity of the sakila pipeline/,
    ],
    [
      'another namespace',
      ENTITIES.replace(
        'name: sakila-ingestion',
        'name: sakila-ingestion\n  namespace: finance',
      ),
      /component:finance\/sakila-ingestion is not an entity/,
    ],
    [
      'another owner',
      ENTITIES.replace(
        'owner: group:default/data-engineering\n---',
        'owner: group:default/finance\n---',
      ),
      /must be owned by group:default\/data-engineering .*not group:default\/finance/,
    ],
    [
      'the state machine of another source',
      ENTITIES.replace(
        'spec:\n  type: data-pipeline',
        "  annotations:\n    datalake-portal.io/state-machine-arn: 'arn:aws:states:eu-west-1:1:stateMachine:datalake-billing'\nspec:\n  type: data-pipeline",
      ),
      /must name the state machine datalake-sakila/,
    ],
  ])(
    'registers only the source’s pipeline entities with the given owner: refuses %s',
    async (_case, entities, message) => {
      expect(entities).not.toBe(ENTITIES);
      const { action, catalog, ctx } = setup(entities);
      await expect(action.handler(ctx)).rejects.toThrow(message);
      expect(fs.existsSync(directory)).toBe(false);
      expect(catalog.refreshEntity).not.toHaveBeenCalled();
    },
  );

  it('makes no change in a dry run', async () => {
    const { action, catalog, ctx } = setup();
    await action.handler({ ...ctx, isDryRun: true });
    expect(fs.existsSync(directory)).toBe(false);
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
  });
});
