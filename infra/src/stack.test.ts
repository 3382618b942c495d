import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from './app';
import { backendIamActions } from './backendApiCalls';
import { InfraConfig, loadInfraConfig } from './config';
import {
  DatalakeFoundationStack,
  GLUE_JOB_TABLE_PERMISSIONS,
  S3_WRITE_ACTIONS,
} from './DatalakeFoundationStack';

type Json = any;
type Statement = {
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
  Effect: string;
};

const ADMIN = 'arn:aws:iam::123456789012:role/platform-admin';
let config: InfraConfig;
let stack: DatalakeFoundationStack;
let template: Template;
let resources: Record<string, Json>;
let outdir: string;
let synthError: unknown;

/** Logical id of a bucket resource → its configured name. */
let bucketNames: Record<string, string>;

beforeAll(async () => {
  // The repository's own configuration, as the backend reads it, plus one administrator.
  const loaded = await loadInfraConfig(
    ['app-config.yaml', 'infra/config.yaml'],
    {},
  );
  config = {
    ...loaded,
    lakeFormation: { ...loaded.lakeFormation, admins: [ADMIN] },
  };
  outdir = mkdtempSync(join(tmpdir(), 'infra-synth-'));
  const built = buildApp({ config, outdir });
  stack = built.stack;
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
  bucketNames = {};
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::S3::Bucket') {
      bucketNames[id] = r.Properties.BucketName ?? '<access-logs>';
    }
  }
});

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function ofType(type: string): Array<[string, Json]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

function logicalIdOf(construct: { node: { defaultChild?: any } }): string {
  return stack.getLogicalId(construct.node.defaultChild);
}

function partToString(part: Json): string {
  if (typeof part === 'string') return part;
  if (part.Ref) return `<${part.Ref}>`;
  if (part['Fn::GetAtt']) {
    const [id] = part['Fn::GetAtt'];
    return bucketNames[id] ?? `<${id}>`;
  }
  return JSON.stringify(part);
}

/** `bucket-name/suffix` for an S3 ARN of the template, `*` or a plain string otherwise. */
function describeResource(resource: Json): string {
  if (typeof resource === 'string') return resource;
  if (resource['Fn::GetAtt']) {
    const [id] = resource['Fn::GetAtt'];
    return bucketNames[id] ?? `<${id}>`;
  }
  if (resource['Fn::Join']) {
    const parts: Json[] = resource['Fn::Join'][1];
    return parts.map(partToString).join('');
  }
  return JSON.stringify(resource);
}

function statementsOfRole(roleLogicalId: string): Statement[] {
  const role = resources[roleLogicalId];
  const inline: Statement[] = (role.Properties.Policies ?? []).flatMap(
    (p: Json) => p.PolicyDocument.Statement,
  );
  const attached: Statement[] = ofType('AWS::IAM::Policy')
    .filter(([, p]) =>
      p.Properties.Roles.some((r: Json) => r.Ref === roleLogicalId),
    )
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Every (action, resource) pair a role is allowed. */
function grantsOf(
  roleLogicalId: string,
): Array<{ action: string; resource: string }> {
  return statementsOfRole(roleLogicalId).flatMap(s => {
    expect(s.Effect).toBe('Allow');
    return asArray(s.Action).flatMap(action =>
      asArray(s.Resource).map(r => ({ action, resource: describeResource(r) })),
    );
  });
}

describe('synth', () => {
  it('synthesises without an AWS account and cdk-nag reports nothing unacknowledged', () => {
    expect(synthError).toBeUndefined();
    const report = join(outdir, 'validation-report.json');
    const violations = existsSync(report)
      ? JSON.parse(readFileSync(report, 'utf8')).pluginReports.flatMap(
          (p: Json) => p.violations,
        )
      : [];
    expect(violations).toEqual([]);
    expect(existsSync(join(outdir, `${config.stackName}.template.json`))).toBe(
      true,
    );
  });

  it('gives every cdk-nag acknowledgement a reason', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap(c =>
        c.node.metadata
          .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap(m => Object.entries(m.data as Record<string, string>)),
      )
      .map(([id, reason]) => ({ id: id.replace(/^[A-Za-z-]+::/, ''), reason }));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const ack of acknowledged) {
      expect(ack.id).toMatch(/^AwsSolutions-/);
      expect(String(ack.reason).length).toBeGreaterThan(40);
    }
    // Only rules a reviewer can follow are acknowledged: wildcards with their resources, the
    // DMS managed policies, the log bucket's own logging and the source secrets' rotation.
    const rules = new Set(acknowledged.map(a => a.id.replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual([
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
    ]);
    expect(
      acknowledged
        .filter(a => a.id.startsWith('AwsSolutions-IAM5'))
        .every(a => /\[.+\]$/.test(a.id)),
    ).toBe(true);
  });

  it('fails on a construct cdk-nag objects to, so the checks really run', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'infra-nag-')) });
    const bad = new Stack(app, 'Bad');
    const unsafe = new s3.Bucket(bad, 'Unsafe');
    expect(unsafe.bucketName).toBeDefined();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
    rmSync(app.outdir, { recursive: true, force: true });
  });
});

describe('Lake Formation settings', () => {
  it('has no IAMAllowedPrincipals defaults and replaces the settings', () => {
    const settings = ofType('AWS::LakeFormation::DataLakeSettings');
    expect(settings).toHaveLength(1);
    const props = settings[0][1].Properties;
    expect(props.CreateDatabaseDefaultPermissions).toEqual([]);
    expect(props.CreateTableDefaultPermissions).toEqual([]);
    expect(props.MutationType).toBe('REPLACE');
    expect(JSON.stringify(template.toJSON())).not.toContain(
      'IAM_ALLOWED_PRINCIPALS',
    );
  });

  it('makes the configured principals and the deploy role administrators', () => {
    const admins = ofType(
      'AWS::LakeFormation::DataLakeSettings',
    )[0][1].Properties.Admins.map((a: Json) => a.DataLakePrincipalIdentifier);
    expect(admins).toContainEqual(ADMIN);
    expect(admins).toContainEqual({
      'Fn::Sub': expect.stringMatching(/cfn-exec-role-\$\{AWS::AccountId\}-/),
    });
  });

  it('creates the layer databases without table defaults, after the settings', () => {
    const databases = ofType('AWS::Glue::Database');
    expect(
      databases.map(([, d]) => d.Properties.DatabaseInput.Name).sort(),
    ).toEqual(config.databases.map(d => d.name).sort());
    expect(config.databases.map(d => d.name)).toContain('sakila_bronze');
    for (const [, d] of databases) {
      expect(d.Properties.DatabaseInput.CreateTableDefaultPermissions).toEqual(
        [],
      );
      expect(d.DependsOn).toContain('DataLakeSettings');
    }
  });

  it('registers every data bucket (landing, bronze, silver, gold) as a data location', () => {
    const registered = ofType('AWS::LakeFormation::Resource').map(([, r]) => {
      expect(r.Properties.UseServiceLinkedRole).toBe(false);
      expect(r.Properties.HybridAccessEnabled).toBe(false);
      expect(r.Properties.RoleArn['Fn::GetAtt'][0]).toBe(
        logicalIdOf(stack.roles.lakeFormationDataAccess),
      );
      return describeResource(r.Properties.ResourceArn);
    });
    expect(registered.sort()).toEqual(
      [
        config.landing.bucket,
        config.layers.bronze.bucket,
        config.layers.silver.bucket,
        config.layers.gold.bucket,
      ].sort(),
    );
  });
});

describe('buckets', () => {
  it('creates the five configured buckets, encrypted, private, TLS-only', () => {
    const names = Object.values(bucketNames).filter(n => n !== '<access-logs>');
    expect(names.sort()).toEqual(
      [
        config.landing.bucket,
        config.layers.bronze.bucket,
        config.layers.silver.bucket,
        config.layers.gold.bucket,
        config.scripts.bucket,
      ].sort(),
    );
    for (const [id, bucket] of ofType('AWS::S3::Bucket')) {
      const p = bucket.Properties;
      expect(p.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      });
      expect(p.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.DeletionPolicy).toBe('Retain');
      const policy = ofType('AWS::S3::BucketPolicy').find(
        ([, bp]) => bp.Properties.Bucket.Ref === id,
      );
      expect(policy).toBeDefined();
      expect(policy![1].Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('versions tables and scripts, and expires landing files', () => {
    const byName = (name: string) =>
      ofType('AWS::S3::Bucket').find(
        ([, b]) => b.Properties.BucketName === name,
      )![1].Properties;
    for (const name of [
      config.layers.bronze.bucket,
      config.layers.silver.bucket,
      config.layers.gold.bucket,
      config.scripts.bucket,
    ]) {
      expect(byName(name).VersioningConfiguration).toEqual({
        Status: 'Enabled',
      });
    }
    const landing = byName(config.landing.bucket);
    expect(landing.VersioningConfiguration).toBeUndefined();
    expect(landing.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        Prefix: `${config.landing.folder}/`,
        ExpirationInDays: config.lifecycle.landingExpirationDays,
        Status: 'Enabled',
      }),
    );
  });
});

describe('the Glue job role', () => {
  let glueRoleId: string;
  beforeAll(() => {
    glueRoleId = logicalIdOf(stack.roles.glue);
  });

  it('can write bronze, silver and gold, read landing, and nothing else in S3', () => {
    const s3Grants = grantsOf(glueRoleId).filter(g =>
      g.action.startsWith('s3:'),
    );
    const where = (actions: string[]) =>
      [
        ...new Set(
          s3Grants.filter(g => actions.includes(g.action)).map(g => g.resource),
        ),
      ].sort();
    const { bronze, silver, gold } = config.layers;
    expect(where(S3_WRITE_ACTIONS)).toEqual(
      [`${bronze.bucket}/*`, `${silver.bucket}/*`, `${gold.bucket}/*`].sort(),
    );
    for (const action of S3_WRITE_ACTIONS) {
      expect(where([action])).toEqual(where(S3_WRITE_ACTIONS));
    }
    // Reads: landing below its folder, the layers, and its own job scripts (Glue loads the
    // script with the job's role).
    expect(where(['s3:GetObject'])).toEqual(
      [
        `${config.landing.bucket}/${config.landing.folder}/*`,
        `${bronze.bucket}/*`,
        `${silver.bucket}/*`,
        `${gold.bucket}/*`,
        `${config.scripts.bucket}/${config.scripts.prefix}/*`,
      ].sort(),
    );
    expect(where(['s3:ListBucket'])).toEqual(
      [config.landing.bucket, bronze.bucket, silver.bucket, gold.bucket].sort(),
    );
    expect([...new Set(s3Grants.map(g => g.action))].sort()).toEqual(
      ['s3:GetObject', 's3:ListBucket', ...S3_WRITE_ACTIONS].sort(),
    );
    const listLanding = statementsOfRole(glueRoleId).find(
      s =>
        s.Action === 's3:ListBucket' &&
        describeResource(s.Resource) === config.landing.bucket,
    );
    expect(listLanding!.Condition).toEqual({
      StringLike: {
        's3:prefix': [config.landing.folder, `${config.landing.folder}/*`],
      },
    });
  });

  it('holds no other AWS permission than the catalog, logs and metrics of its jobs', () => {
    expect(resources[glueRoleId].Properties.ManagedPolicyArns).toBeUndefined();
    const actions = [...new Set(grantsOf(glueRoleId).map(g => g.action))]
      .filter(a => !a.startsWith('s3:'))
      .sort();
    expect(actions).toEqual([
      'cloudwatch:PutMetricData',
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:GetTables',
      'glue:UpdateTable',
      'lakeformation:GetDataAccess',
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const catalog = grantsOf(glueRoleId)
      .filter(g => g.action === 'glue:UpdateTable')
      .map(g =>
        g.resource.replace(
          /^arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:/,
          '',
        ),
      );
    expect(catalog.sort()).toEqual(
      [
        'catalog',
        ...config.databases.map(d => `database/${d.name}`),
        ...config.databases.map(d => `table/${d.name}/*`),
      ].sort(),
    );
  });

  it('has Lake Formation permissions on the layer tables and locations only', () => {
    const grants = ofType('AWS::LakeFormation::PrincipalPermissions')
      .map(([, g]) => g.Properties)
      .filter(
        g =>
          g.Principal.DataLakePrincipalIdentifier['Fn::GetAtt']?.[0] ===
          glueRoleId,
      );
    const layerDbs = config.databases.map(d => d.name).sort();
    const tables = grants.filter(g => g.Resource.Table);
    expect(tables.map(g => g.Resource.Table.DatabaseName).sort()).toEqual(
      layerDbs,
    );
    for (const g of tables) {
      expect(g.Resource.Table.TableWildcard).toEqual({});
      expect([...g.Permissions].sort()).toEqual(GLUE_JOB_TABLE_PERMISSIONS);
      expect(g.PermissionsWithGrantOption).toEqual([]);
    }
    const dbs = grants.filter(g => g.Resource.Database);
    expect(dbs.map(g => g.Resource.Database.Name).sort()).toEqual(layerDbs);
    dbs.forEach(g => expect(g.Permissions).toEqual(['DESCRIBE']));
    const locations = grants.filter(g => g.Resource.DataLocation);
    expect(
      locations
        .map(g => describeResource(g.Resource.DataLocation.ResourceArn))
        .sort(),
    ).toEqual(
      [
        config.layers.bronze.bucket,
        config.layers.silver.bucket,
        config.layers.gold.bucket,
      ].sort(),
    );
    locations.forEach(g =>
      expect(g.Permissions).toEqual(['DATA_LOCATION_ACCESS']),
    );
    expect(grants).toHaveLength(tables.length + dbs.length + locations.length);
  });
});

describe('the backend role', () => {
  let backendId: string;
  beforeAll(() => {
    backendId = logicalIdOf(stack.roles.backend);
  });

  it("allows exactly the IAM actions of the plugins' API calls", () => {
    const actions = [...new Set(grantsOf(backendId).map(g => g.action))].sort();
    expect(actions).toEqual(backendIamActions());
    expect(actions).not.toContainEqual(expect.stringMatching(/\*/));
  });

  it('writes job scripts only, and passes only the pipeline roles (schedules included) to their services', () => {
    const grants = grantsOf(backendId);
    expect(
      grants.filter(g => g.action === 's3:PutObject').map(g => g.resource),
    ).toEqual([`${config.scripts.bucket}/${config.scripts.prefix}/*`]);
    const passRole = statementsOfRole(backendId).filter(
      s => s.Action === 'iam:PassRole',
    );
    const passed = passRole.map(s => [
      s.Resource['Fn::GetAtt'][0],
      s.Condition.StringEquals['iam:PassedToService'],
    ]);
    expect(passed.sort()).toEqual(
      [
        [logicalIdOf(stack.roles.glue), 'glue.amazonaws.com'],
        [logicalIdOf(stack.roles.stepFunctions), 'states.amazonaws.com'],
        [logicalIdOf(stack.roles.dmsS3), 'dms.amazonaws.com'],
        [logicalIdOf(stack.roles.dmsSecrets!), 'dms.amazonaws.com'],
        [logicalIdOf(stack.roles.scheduler), 'scheduler.amazonaws.com'],
      ].sort(),
    );
  });

  it('is assumable by this account only and grants access requests through Lake Formation', () => {
    expect(
      resources[backendId].Properties.AssumeRolePolicyDocument.Statement,
    ).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Principal: {
          AWS: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':iam::',
                { Ref: 'AWS::AccountId' },
                ':root',
              ],
            ],
          },
        },
      }),
    ]);
    const tables = ofType('AWS::LakeFormation::PrincipalPermissions')
      .map(([, g]) => g.Properties)
      .filter(
        g =>
          g.Principal.DataLakePrincipalIdentifier['Fn::GetAtt']?.[0] ===
            backendId && g.Resource.Table,
      );
    expect(tables).toHaveLength(config.databases.length);
    tables.forEach(g =>
      expect([...g.PermissionsWithGrantOption].sort()).toEqual([
        'DESCRIBE',
        'SELECT',
      ]),
    );
  });
});

describe('DMS, Step Functions, Scheduler and secrets', () => {
  it('creates the DMS service roles with their fixed names and managed policies', () => {
    const managed = (roleName: string) =>
      ofType('AWS::IAM::Role')
        .filter(([, r]) => r.Properties.RoleName === roleName)
        .map(([, r]) => JSON.stringify(r.Properties.ManagedPolicyArns));
    expect(managed('dms-vpc-role')).toEqual([
      expect.stringContaining('service-role/AmazonDMSVPCManagementRole'),
    ]);
    expect(managed('dms-cloudwatch-logs-role')).toEqual([
      expect.stringContaining('service-role/AmazonDMSCloudWatchLogsRole'),
    ]);
  });

  it('limits the DMS S3 target role to the landing folder', () => {
    const grants = grantsOf(logicalIdOf(stack.roles.dmsS3));
    expect([...new Set(grants.map(g => g.resource))].sort()).toEqual(
      [
        config.landing.bucket,
        `${config.landing.bucket}/${config.landing.folder}/*`,
      ].sort(),
    );
    expect(
      grants
        .filter(g => g.resource === config.landing.bucket)
        .map(g => g.action),
    ).toEqual(['s3:ListBucket']);
  });

  it("lets Step Functions run and the Scheduler start only the sources' pipelines", () => {
    const sfn = grantsOf(logicalIdOf(stack.roles.stepFunctions));
    expect([...new Set(sfn.map(g => g.resource))].sort()).toEqual(
      config.sources
        .map(
          s =>
            `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:job/datalake-${s.id}-*`,
        )
        .sort(),
    );
    // The pipelines' state machines, and the daily maintenance jobs (glue:startJobRun target).
    const scheduler = grantsOf(logicalIdOf(stack.roles.scheduler));
    expect(
      scheduler.map(g => `${g.action} ${JSON.stringify(g.resource)}`).sort(),
    ).toEqual(
      config.sources
        .flatMap(s => [
          `states:StartExecution ${JSON.stringify(
            `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:datalake-${s.id}`,
          )}`,
          `glue:StartJobRun ${JSON.stringify(
            `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:job/datalake-${s.id}-maintenance-*`,
          )}`,
        ])
        .sort(),
    );
  });

  it('creates one secret per source with the connection fields and no password in the template', () => {
    const secrets = ofType('AWS::SecretsManager::Secret');
    expect(secrets.map(([, s]) => s.Properties.Name).sort()).toEqual(
      config.sources.map(s => `datalake/sources/${s.id}/mysql`).sort(),
    );
    for (const [, secret] of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      const fields = JSON.parse(
        secret.Properties.GenerateSecretString.SecretStringTemplate,
      );
      expect(Object.keys(fields).sort()).toEqual([
        'engine',
        'host',
        'port',
        'username',
      ]);
      expect(secret.Properties.GenerateSecretString.GenerateStringKey).toBe(
        'password',
      );
    }
  });

  it('outputs what the backend config points at', () => {
    const outputs = template.toJSON().Outputs;
    for (const key of [
      'BackendRoleArn',
      'BackendRoleName',
      'GlueJobRoleArn',
      'StepFunctionsRoleArn',
      'SchedulerRoleArn',
      'DmsS3TargetRoleArn',
      'DmsSecretsAccessRoleArn',
      'LandingBucketName',
      'ScriptsBucketName',
      'BronzeBucketName',
      'SilverBucketName',
      'GoldBucketName',
      'SourceSecretArnsakila',
    ]) {
      expect(outputs[key]).toBeDefined();
    }
    expect(outputs.GlueJobRoleArn.Description).toBe(
      'datalake.pipeline.glue.roleArn',
    );
  });
});
