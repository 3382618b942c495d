/*
 * The account preparation of the data lake: buckets, Glue databases, Lake Formation settings,
 * registrations and grants, the least-privilege roles and the source secrets. Everything named
 * here comes from InfraConfig, i.e. from the config files the Backstage backend reads.
 */
import {
  Aws,
  CfnOutput,
  DefaultStackSynthesizer,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import {
  backendActionsByScope,
  BackendScope,
  BACKEND_API_CALLS,
  PassedRole,
  passedRoles,
} from './backendApiCalls';
import { InfraConfig, LakeLayer, LAKE_LAYERS } from './config';

/** @public */
export type DatalakeFoundationStackProps = StackProps & { config: InfraConfig };

/** Lake Formation permissions the Glue job role holds on the tables of every layer. @public */
export const GLUE_JOB_TABLE_PERMISSIONS = [
  'ALTER',
  'DELETE',
  'DESCRIBE',
  'INSERT',
  'SELECT',
];

/** S3 actions that change objects. @public */
export const S3_WRITE_ACTIONS = [
  's3:AbortMultipartUpload',
  's3:DeleteObject',
  's3:PutObject',
];

/** The name prefix of every pipeline resource (`pipelineNameOf` in the scaffolder module). */
const PIPELINE_PREFIX = 'datalake-';

function objectsArn(bucket: s3.IBucket, prefix: string): string {
  return bucket.arnForObjects(prefix ? `${prefix}/*` : '*');
}

/**
 * Acknowledges cdk-nag findings of a construct, each with the reason; `findings` names the
 * findings of rules that report several (`AwsSolutions-IAM5[Resource::...]`).
 */
function suppress(
  construct: IConstruct,
  id: string,
  reason: string,
  findings?: string[],
) {
  const ids = findings ? findings.map(f => `${id}[${f}]`) : [id];
  for (const rule of ids)
    Validations.of(construct).acknowledge({ id: rule, reason });
}

/** How cdk-nag names a wildcard resource of this account and region in its findings. */
function nagArn(service: string, resource: string): string {
  return `Resource::arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
}

/** @public */
export class DatalakeFoundationStack extends Stack {
  readonly buckets: {
    landing: s3.Bucket;
    scripts: s3.Bucket;
    layers: Record<LakeLayer, s3.Bucket>;
    accessLogs: s3.Bucket;
  };
  readonly roles: {
    glue: iam.Role;
    stepFunctions: iam.Role;
    scheduler: iam.Role;
    dmsS3: iam.Role;
    dmsSecrets?: iam.Role;
    backend: iam.Role;
    lakeFormationDataAccess: iam.Role;
  };
  readonly dataLakeSettings: lakeformation.CfnDataLakeSettings;
  readonly secrets: Record<string, secretsmanager.Secret>;

  constructor(
    stackScope: Construct,
    stackId: string,
    props: DatalakeFoundationStackProps,
  ) {
    super(stackScope, stackId, props);
    const { config } = props;
    this.templateOptions.description =
      'Data Lake Portal: buckets, Glue databases, Lake Formation settings and grants, roles and source secrets (infra/)';

    // ---- Buckets -------------------------------------------------------------------------
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(config.lifecycle.accessLogExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    suppress(
      accessLogs,
      'AwsSolutions-S1',
      'This is the server access log bucket of the lake buckets; logging it into itself would log its own log deliveries.',
    );

    const byName = new Map<string, s3.Bucket>();
    const bucket = (
      id: string,
      name: string,
      options: { versioned: boolean; rules: s3.LifecycleRule[] },
    ): s3.Bucket => {
      const existing = byName.get(name);
      if (existing) {
        options.rules.forEach(r => existing.addLifecycleRule(r));
        return existing;
      }
      const created = new s3.Bucket(this, id, {
        bucketName: name,
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned: options.versioned,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${name}/`,
        removalPolicy: RemovalPolicy.RETAIN,
        lifecycleRules: [
          {
            id: 'abort-incomplete-uploads',
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
          ...options.rules,
        ],
      });
      byName.set(name, created);
      return created;
    };
    const noncurrent: s3.LifecycleRule = {
      id: 'expire-noncurrent-versions',
      noncurrentVersionExpiration: Duration.days(
        config.lifecycle.noncurrentVersionExpirationDays,
      ),
    };
    // Landing files are transient (DMS writes, the bronze jobs merge them): no versions, expiry.
    const landing = bucket('LandingBucket', config.landing.bucket, {
      versioned: false,
      rules: [
        {
          id: 'expire-landing-files',
          prefix: config.landing.folder
            ? `${config.landing.folder}/`
            : undefined,
          expiration: Duration.days(config.lifecycle.landingExpirationDays),
        },
      ],
    });
    // Tables and scripts are versioned against accidental deletes, noncurrent versions expire.
    const layers = {} as Record<LakeLayer, s3.Bucket>;
    for (const layer of LAKE_LAYERS) {
      layers[layer] = bucket(
        `${layer[0].toUpperCase()}${layer.slice(1)}Bucket`,
        config.layers[layer].bucket,
        {
          versioned: true,
          rules: [{ ...noncurrent, id: `${noncurrent.id}-${layer}` }],
        },
      );
    }
    const scripts = bucket('ScriptsBucket', config.scripts.bucket, {
      versioned: true,
      rules: [{ ...noncurrent, id: `${noncurrent.id}-scripts` }],
    });
    this.buckets = { landing, scripts, layers, accessLogs };

    const dataBuckets = [
      ...new Set([landing, ...LAKE_LAYERS.map(l => layers[l])]),
    ];
    const layerBuckets = [...new Set(LAKE_LAYERS.map(l => layers[l]))];
    const layerObjects = LAKE_LAYERS.map(l =>
      objectsArn(layers[l], config.layers[l].prefix),
    );
    const scriptObjects = objectsArn(scripts, config.scripts.prefix);
    const landingObjects = objectsArn(landing, config.landing.folder);
    const nagObjects = (b: s3.Bucket, prefix: string) =>
      `Resource::<${this.getLogicalId(
        b.node.defaultChild as s3.CfnBucket,
      )}.Arn>/${prefix ? `${prefix}/` : ''}*`;
    const layerObjectFindings = [
      ...new Set(
        LAKE_LAYERS.map(l => nagObjects(layers[l], config.layers[l].prefix)),
      ),
    ];
    const scriptFindings = [nagObjects(scripts, config.scripts.prefix)];
    const landingFindings = [nagObjects(landing, config.landing.folder)];

    // ---- Lake Formation settings -----------------------------------------------------------
    const synthesizer = this.synthesizer;
    const deployRole =
      synthesizer instanceof DefaultStackSynthesizer
        ? // The synthesizer's ARN holds ${AWS::AccountId} and ${AWS::Region} placeholders.
          Fn.sub(synthesizer.cloudFormationExecutionRoleArn)
        : undefined;
    const admins = [
      ...(deployRole ? [deployRole] : []),
      ...config.lakeFormation.admins,
    ];
    this.dataLakeSettings = new lakeformation.CfnDataLakeSettings(
      this,
      'DataLakeSettings',
      {
        // The stack owns the settings: REPLACE, so that no earlier default survives.
        mutationType: 'REPLACE',
        admins: admins.map(a => ({ dataLakePrincipalIdentifier: a })),
        readOnlyAdmins: config.lakeFormation.readOnlyAdmins.map(a => ({
          dataLakePrincipalIdentifier: a,
        })),
        // No IAMAllowedPrincipals defaults: new databases and tables are governed by Lake
        // Formation grants only.
        createDatabaseDefaultPermissions: [],
        createTableDefaultPermissions: [],
      },
    );
    const afterSettings = <T extends IConstruct>(resource: T): T => {
      resource.node.addDependency(this.dataLakeSettings);
      return resource;
    };

    // The role Lake Formation assumes to vend credentials for the registered locations.
    const lakeFormationDataAccess = new iam.Role(
      this,
      'LakeFormationDataAccessRole',
      {
        roleName: config.roleNames.lakeFormationDataAccess,
        description:
          'Lake Formation data access to the registered lake buckets',
        assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
        inlinePolicies: {
          'lake-buckets': new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                sid: 'Objects',
                actions: ['s3:GetObject', ...S3_WRITE_ACTIONS],
                resources: dataBuckets.map(b => b.arnForObjects('*')),
              }),
              new iam.PolicyStatement({
                sid: 'Buckets',
                actions: ['s3:ListBucket'],
                resources: dataBuckets.map(b => b.bucketArn),
              }),
            ],
          }),
        },
      },
    );
    suppress(
      lakeFormationDataAccess,
      'AwsSolutions-IAM5',
      'Lake Formation vends credentials for any table below a registered location, so its role needs the objects of the registered buckets; it holds no other bucket.',
      dataBuckets.map(b => nagObjects(b, '')),
    );

    const registrations = dataBuckets.map(b =>
      afterSettings(
        new lakeformation.CfnResource(this, `Registration${b.node.id}`, {
          resourceArn: b.bucketArn,
          useServiceLinkedRole: false,
          roleArn: lakeFormationDataAccess.roleArn,
          hybridAccessEnabled: config.lakeFormation.hybridAccess,
        }),
      ),
    );

    // ---- Glue databases ----------------------------------------------------------------------
    const databases = config.databases.map(d =>
      afterSettings(
        new glue.CfnDatabase(this, `Database${d.name}`, {
          catalogId: Aws.ACCOUNT_ID,
          databaseInput: {
            name: d.name,
            // As datalake:glue:iceberg-table:create would create it.
            description: `${d.layer} layer of the data lake source ${d.sourceId}`,
            parameters: {
              'datalake.layer': d.layer,
              'datalake.source': d.sourceId,
            },
            createTableDefaultPermissions: [],
          },
        }),
      ),
    );
    const databaseNames = config.databases.map(d => d.name);

    const grant = (
      id: string,
      principal: iam.IRole,
      resource: lakeformation.CfnPrincipalPermissions.ResourceProperty,
      permissions: string[],
      grantable: string[],
      dependsOn: IConstruct[],
    ) => {
      const granted = afterSettings(
        new lakeformation.CfnPrincipalPermissions(this, id, {
          principal: { dataLakePrincipalIdentifier: principal.roleArn },
          resource,
          permissions,
          permissionsWithGrantOption: grantable,
        }),
      );
      dependsOn.forEach(d => granted.node.addDependency(d));
      return granted;
    };

    // ---- Glue job role ---------------------------------------------------------------------
    const catalogArn = `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}`;
    const pipelineNames =
      config.sources.length > 0
        ? config.sources.map(s => `${PIPELINE_PREFIX}${s.id}`)
        : [`${PIPELINE_PREFIX}*`];
    const glueRole = new iam.Role(this, 'GlueJobRole', {
      roleName: config.roleNames.glue,
      description:
        'Glue pipeline jobs: read landing, read and write the bronze, silver and gold layers',
      assumedBy: new iam.ServicePrincipal('glue.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      inlinePolicies: {
        'pipeline-jobs': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'ReadLanding',
              actions: ['s3:GetObject'],
              resources: [landingObjects],
            }),
            new iam.PolicyStatement({
              sid: 'ListLanding',
              actions: ['s3:ListBucket'],
              resources: [landing.bucketArn],
              conditions: config.landing.folder
                ? {
                    StringLike: {
                      's3:prefix': [
                        config.landing.folder,
                        `${config.landing.folder}/*`,
                      ],
                    },
                  }
                : undefined,
            }),
            new iam.PolicyStatement({
              sid: 'ReadWriteLayers',
              actions: ['s3:GetObject', ...S3_WRITE_ACTIONS],
              resources: [...new Set(layerObjects)],
            }),
            new iam.PolicyStatement({
              sid: 'ListLayers',
              actions: ['s3:ListBucket'],
              resources: layerBuckets.map(b => b.bucketArn),
            }),
            new iam.PolicyStatement({
              sid: 'ReadScripts',
              actions: ['s3:GetObject'],
              resources: [scriptObjects],
            }),
            new iam.PolicyStatement({
              sid: 'LayerTables',
              actions: [
                'glue:GetDatabase',
                'glue:GetTable',
                'glue:GetTables',
                'glue:UpdateTable',
              ],
              resources: [
                `${catalogArn}:catalog`,
                ...databaseNames.map(n => `${catalogArn}:database/${n}`),
                ...databaseNames.map(n => `${catalogArn}:table/${n}/*`),
              ],
            }),
            new iam.PolicyStatement({
              sid: 'LakeFormationCredentials',
              actions: ['lakeformation:GetDataAccess'],
              resources: ['*'],
            }),
            new iam.PolicyStatement({
              sid: 'JobLogs',
              actions: [
                'logs:CreateLogGroup',
                'logs:CreateLogStream',
                'logs:PutLogEvents',
              ],
              resources: [
                `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws-glue/*`,
              ],
            }),
            new iam.PolicyStatement({
              sid: 'JobMetrics',
              actions: ['cloudwatch:PutMetricData'],
              resources: ['*'],
              conditions: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
            }),
          ],
        }),
      },
    });
    suppress(
      glueRole,
      'AwsSolutions-IAM5',
      "Tables are created per pipeline below the layer prefixes, so the layers' object ARNs end in a wildcard.",
      layerObjectFindings,
    );
    suppress(
      glueRole,
      'AwsSolutions-IAM5',
      'DMS lands one folder per source and table below the landing folder; the jobs read only below it.',
      landingFindings,
    );
    suppress(
      glueRole,
      'AwsSolutions-IAM5',
      'The jobs read their own scripts, one per pipeline job, below the scripts prefix.',
      scriptFindings,
    );
    suppress(
      glueRole,
      'AwsSolutions-IAM5',
      'The tables of a layer database are created by the pipelines; Lake Formation grants decide per table, the IAM grant stops at the layer databases.',
      databaseNames.map(n => nagArn('glue', `table/${n}/*`)),
    );
    suppress(
      glueRole,
      'AwsSolutions-IAM5',
      'Glue jobs create their log streams in the /aws-glue/ log groups (continuous logging).',
      [nagArn('logs', 'log-group:/aws-glue/*')],
    );
    suppress(
      glueRole,
      'AwsSolutions-IAM5',
      'lakeformation:GetDataAccess and cloudwatch:PutMetricData support no resource-level permissions; Lake Formation grants decide what the vended credentials reach, and the metric namespace is pinned to Glue.',
      ['Resource::*'],
    );

    // ---- Lake Formation grants of the Glue job role -----------------------------------------
    config.databases.forEach((d, i) => {
      grant(
        `GlueJobDatabase${d.name}`,
        glueRole,
        { database: { catalogId: Aws.ACCOUNT_ID, name: d.name } },
        ['DESCRIBE'],
        [],
        [databases[i]],
      );
      grant(
        `GlueJobTables${d.name}`,
        glueRole,
        {
          table: {
            catalogId: Aws.ACCOUNT_ID,
            databaseName: d.name,
            tableWildcard: {},
          },
        },
        GLUE_JOB_TABLE_PERMISSIONS,
        [],
        [databases[i]],
      );
    });
    layerBuckets.forEach(b => {
      grant(
        `GlueJobLocation${b.node.id}`,
        glueRole,
        {
          dataLocation: { catalogId: Aws.ACCOUNT_ID, resourceArn: b.bucketArn },
        },
        ['DATA_LOCATION_ACCESS'],
        [],
        registrations,
      );
    });

    // ---- Step Functions and EventBridge Scheduler roles ---------------------------------------
    const stepFunctions = new iam.Role(this, 'StepFunctionsRole', {
      roleName: config.roleNames.stepFunctions,
      description: 'Pipeline state machines: run the pipeline Glue jobs',
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      inlinePolicies: {
        'run-pipeline-jobs': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'GlueJobRunSync',
              actions: [
                'glue:BatchStopJobRun',
                'glue:GetJobRun',
                'glue:GetJobRuns',
                'glue:StartJobRun',
              ],
              resources: pipelineNames.map(n => `${catalogArn}:job/${n}-*`),
            }),
          ],
        }),
      },
    });
    suppress(
      stepFunctions,
      'AwsSolutions-IAM5',
      "A pipeline runs one Glue job per table and layer, named <pipeline>-<layer>-<table>; the wildcard stops at the configured sources' pipelines.",
      pipelineNames.map(n => nagArn('glue', `job/${n}-*`)),
    );
    const scheduler = new iam.Role(this, 'SchedulerRole', {
      roleName: config.roleNames.scheduler,
      description: 'EventBridge Scheduler: start the pipeline state machines',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      inlinePolicies: {
        'start-pipelines': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'StartPipelines',
              actions: ['states:StartExecution'],
              resources: pipelineNames.map(
                n =>
                  `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:${n}`,
              ),
            }),
            // The daily maintenance schedules call Glue StartJobRun (universal target).
            new iam.PolicyStatement({
              sid: 'StartMaintenanceJobs',
              actions: ['glue:StartJobRun'],
              resources: pipelineNames.map(
                n => `${catalogArn}:job/${n}-maintenance-*`,
              ),
            }),
          ],
        }),
      },
    });
    suppress(
      scheduler,
      'AwsSolutions-IAM5',
      "A maintenance job per source table, named <pipeline>-maintenance-<table>; the wildcard stops at the configured pipelines' maintenance jobs.",
      pipelineNames.map(n => nagArn('glue', `job/${n}-maintenance-*`)),
    );
    if (config.sources.length === 0) {
      suppress(
        scheduler,
        'AwsSolutions-IAM5',
        'No source is configured yet, so the pipelines are not known by name; the wildcard stops at the datalake- prefix of every pipeline.',
        [nagArn('states', `stateMachine:${PIPELINE_PREFIX}*`)],
      );
    }

    // ---- DMS roles --------------------------------------------------------------------------
    if (config.dms.createServiceRoles) {
      const vpc = new iam.Role(this, 'DmsVpcRole', {
        roleName: 'dms-vpc-role',
        description:
          'DMS manages the network interfaces of replication instances (name fixed by DMS)',
        assumedBy: new iam.ServicePrincipal('dms.amazonaws.com'),
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName(
            'service-role/AmazonDMSVPCManagementRole',
          ),
        ],
      });
      suppress(
        vpc,
        'AwsSolutions-IAM4',
        'DMS requires the role named dms-vpc-role with the AWS managed AmazonDMSVPCManagementRole policy; AWS maintains that policy as DMS changes.',
        [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonDMSVPCManagementRole',
        ],
      );
      const logs = new iam.Role(this, 'DmsCloudWatchLogsRole', {
        roleName: 'dms-cloudwatch-logs-role',
        description:
          'DMS writes replication task logs to CloudWatch Logs (name fixed by DMS)',
        assumedBy: new iam.ServicePrincipal('dms.amazonaws.com'),
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName(
            'service-role/AmazonDMSCloudWatchLogsRole',
          ),
        ],
      });
      suppress(
        logs,
        'AwsSolutions-IAM4',
        'DMS requires the role named dms-cloudwatch-logs-role with the AWS managed AmazonDMSCloudWatchLogsRole policy; AWS maintains that policy as DMS changes.',
        [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole',
        ],
      );
    }

    const landingPrefix = config.landing.folder;
    const dmsS3 = new iam.Role(this, 'DmsS3TargetRole', {
      roleName: config.roleNames.dmsS3,
      description: 'DMS S3 target endpoints: write the landing folder only',
      assumedBy: new iam.ServicePrincipal('dms.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      inlinePolicies: {
        'write-landing': new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              sid: 'WriteLanding',
              actions: [
                's3:DeleteObject',
                's3:PutObject',
                's3:PutObjectTagging',
              ],
              resources: [landingObjects],
            }),
            new iam.PolicyStatement({
              sid: 'ListLanding',
              actions: ['s3:ListBucket'],
              resources: [landing.bucketArn],
              conditions: landingPrefix
                ? {
                    StringLike: {
                      's3:prefix': [landingPrefix, `${landingPrefix}/*`],
                    },
                  }
                : undefined,
            }),
          ],
        }),
      },
    });
    suppress(
      dmsS3,
      'AwsSolutions-IAM5',
      'DMS writes one folder per source and table below the landing folder; the wildcard stops at that folder.',
      landingFindings,
    );

    // ---- Source secrets ------------------------------------------------------------------
    this.secrets = {};
    for (const source of config.sources) {
      const secret = new secretsmanager.Secret(
        this,
        `SourceSecret-${source.id}`,
        {
          secretName: `datalake/sources/${source.id}/mysql`,
          description: `MySQL credentials DMS uses for the data lake source ${source.id}; set the password with aws secretsmanager put-secret-value (the generated one is a placeholder)`,
          removalPolicy: RemovalPolicy.RETAIN,
          generateSecretString: {
            // The non-secret fields come from datalake.sources; the password is the operator's.
            secretStringTemplate: JSON.stringify({
              engine: 'mysql',
              host: source.host,
              port: source.port,
              username: source.user,
            }),
            generateStringKey: 'password',
            excludePunctuation: true,
            passwordLength: 32,
          },
        },
      );
      suppress(
        secret,
        'AwsSolutions-SMG4',
        'The password belongs to the source database and is rotated by its owner there, then put into the secret; a rotation Lambda would need network access and admin rights on the source.',
      );
      this.secrets[source.id] = secret;
    }
    let dmsSecrets: iam.Role | undefined;
    if (config.sources.length > 0) {
      dmsSecrets = new iam.Role(this, 'DmsSecretsAccessRole', {
        roleName: config.roleNames.dmsSecrets,
        description: 'DMS source endpoints: read the MySQL source secrets',
        assumedBy: new iam.CompositePrincipal(
          new iam.ServicePrincipal(`dms.${Aws.REGION}.amazonaws.com`),
          new iam.ServicePrincipal('dms.amazonaws.com'),
        ),
        inlinePolicies: {
          'read-source-secrets': new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                sid: 'ReadSourceSecrets',
                actions: [
                  'secretsmanager:DescribeSecret',
                  'secretsmanager:GetSecretValue',
                ],
                resources: Object.values(this.secrets).map(s => s.secretArn),
              }),
            ],
          }),
        },
      });
    }

    // ---- Backend role ------------------------------------------------------------------------
    const trusted =
      config.backend.trustedPrincipals.length > 0
        ? new iam.CompositePrincipal(
            ...config.backend.trustedPrincipals.map(
              p => new iam.ArnPrincipal(p),
            ),
          )
        : new iam.AccountRootPrincipal();
    const backend = new iam.Role(this, 'BackendRole', {
      roleName: config.roleNames.backend,
      description:
        'The Backstage backend: exactly the AWS calls of the data lake plugins',
      assumedBy: config.backend.externalId
        ? trusted.withConditions({
            StringEquals: { 'sts:ExternalId': config.backend.externalId },
          })
        : trusted,
      maxSessionDuration: Duration.hours(1),
    });
    const passable: Record<PassedRole, { role?: iam.IRole; service: string }> =
      {
        glue: { role: glueRole, service: 'glue.amazonaws.com' },
        stepFunctions: { role: stepFunctions, service: 'states.amazonaws.com' },
        dmsS3: { role: dmsS3, service: 'dms.amazonaws.com' },
        dmsSecrets: { role: dmsSecrets, service: 'dms.amazonaws.com' },
        scheduler: { role: scheduler, service: 'scheduler.amazonaws.com' },
      };
    const stateMachineArns = pipelineNames.flatMap(n => [
      `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:${n}`,
      `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${n}:*`,
    ]);
    const scopes: Record<BackendScope, string[]> = {
      glueCatalog: [
        `${catalogArn}:catalog`,
        `${catalogArn}:database/*`,
        `${catalogArn}:table/*/*`,
      ],
      pipelineJobs: pipelineNames.map(n => `${catalogArn}:job/${n}-*`),
      lakeObjectsRead: [...new Set([...layerObjects, scriptObjects])],
      scriptObjectsWrite: [scriptObjects],
      pipelineStateMachines: stateMachineArns,
      pipelineSchedules: pipelineNames.flatMap(n => [
        `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/default/${n}`,
        `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/default/${n}-maintenance-*`,
      ]),
      glueJobLogs: [
        `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws-glue/jobs/*:log-stream:*`,
      ],
      dmsResources: [
        `arn:${Aws.PARTITION}:dms:${Aws.REGION}:${Aws.ACCOUNT_ID}:*`,
      ],
      anyResource: ['*'],
    };
    const statements: iam.PolicyStatement[] = [];
    for (const [scope, actions] of backendActionsByScope(BACKEND_API_CALLS)) {
      statements.push(
        new iam.PolicyStatement({
          sid: scope[0].toUpperCase() + scope.slice(1),
          actions,
          resources: scopes[scope],
        }),
      );
    }
    for (const name of passedRoles(BACKEND_API_CALLS)) {
      const { role, service } = passable[name];
      if (!role) continue;
      statements.push(
        new iam.PolicyStatement({
          sid: `PassRole${name[0].toUpperCase()}${name.slice(1)}`,
          actions: ['iam:PassRole'],
          resources: [role.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': service } },
        }),
      );
    }
    const backendPolicy = new iam.Policy(this, 'BackendPolicy', {
      policyName: 'datalake-plugins',
      document: new iam.PolicyDocument({ statements }),
    });
    backend.attachInlinePolicy(backendPolicy);
    // The actions are BACKEND_API_CALLS, tested against the plugins' code; these are the
    // resources they need.
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      'DMS and Step Functions describe/list calls, Lake Formation and STS support no resource-level permissions.',
      ['Resource::*'],
    );
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      'The schedule action keeps one daily maintenance schedule per source table, named <pipeline>-maintenance-<table>; the wildcard stops at the configured pipelines.',
      pipelineNames.map(n =>
        nagArn('scheduler', `schedule/default/${n}-maintenance-*`),
      ),
    );
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      "The Iceberg table actions create databases and tables per source; Lake Formation grants decide per database and table, IAM allows the account's catalog.",
      [nagArn('glue', 'database/*'), nagArn('glue', 'table/*/*')],
    );
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      "The actions create one Glue job per pipeline table and layer (<pipeline>-<layer>-<table>) and read their runs; the state machines' executions have generated names.",
      [
        ...pipelineNames.map(n => nagArn('glue', `job/${n}-*`)),
        ...pipelineNames.map(n => nagArn('states', `execution:${n}:*`)),
        // Without sources the pipelines are only known by their prefix.
        ...pipelineNames
          .filter(n => n.endsWith('*'))
          .map(n => nagArn('states', `stateMachine:${n}`)),
      ],
    );
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      "The run status reads the error log of a failed Glue job run; Glue names each run's log stream after the run id, in the /aws-glue/jobs/ log groups.",
      [nagArn('logs', 'log-group:/aws-glue/jobs/*:log-stream:*')],
    );
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      'DMS endpoints, tasks and replication configs have generated ARNs (no names in them); the grant stops at this account and region.',
      [nagArn('dms', '*')],
    );
    suppress(
      backendPolicy,
      'AwsSolutions-IAM5',
      'The backend reads Iceberg metadata files below the layer prefixes and job scripts below the scripts prefix, and uploads the scripts there.',
      [...layerObjectFindings, ...scriptFindings],
    );

    // ---- Lake Formation grants of the backend ----------------------------------------------
    config.databases.forEach((d, i) => {
      grant(
        `BackendDatabase${d.name}`,
        backend,
        { database: { catalogId: Aws.ACCOUNT_ID, name: d.name } },
        ['CREATE_TABLE', 'DESCRIBE'],
        ['DESCRIBE'],
        [databases[i]],
      );
      grant(
        `BackendTables${d.name}`,
        backend,
        {
          table: {
            catalogId: Aws.ACCOUNT_ID,
            databaseName: d.name,
            tableWildcard: {},
          },
        },
        ['DESCRIBE', 'SELECT'],
        ['DESCRIBE', 'SELECT'],
        [databases[i]],
      );
    });
    layerBuckets.forEach(b => {
      grant(
        `BackendLocation${b.node.id}`,
        backend,
        {
          dataLocation: { catalogId: Aws.ACCOUNT_ID, resourceArn: b.bucketArn },
        },
        ['DATA_LOCATION_ACCESS'],
        [],
        registrations,
      );
    });

    this.roles = {
      glue: glueRole,
      stepFunctions,
      scheduler,
      dmsS3,
      dmsSecrets,
      backend,
      lakeFormationDataAccess,
    };

    // ---- Outputs: what the backend's config points at ---------------------------------------
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(
      'AccountId',
      Aws.ACCOUNT_ID,
      'aws.accounts[].accountId and datalake.aws.accountId',
    );
    output('Region', Aws.REGION, 'datalake.aws.region');
    output(
      'BackendRoleArn',
      backend.roleArn,
      'The role the backend assumes: aws.accounts[].roleName is its name',
    );
    output('BackendRoleName', backend.roleName, 'aws.accounts[].roleName');
    output(
      'GlueJobRoleArn',
      glueRole.roleArn,
      'datalake.pipeline.glue.roleArn',
    );
    output(
      'StepFunctionsRoleArn',
      stepFunctions.roleArn,
      'datalake.pipeline.stepFunctions.roleArn',
    );
    output(
      'SchedulerRoleArn',
      scheduler.roleArn,
      'RoleArn of the EventBridge schedules of the pipelines (aws scheduler create-schedule --target RoleArn=...)',
    );
    output(
      'DmsS3TargetRoleArn',
      dmsS3.roleArn,
      'datalake.dms.landing.serviceAccessRoleArn',
    );
    output(
      'LandingBucketName',
      landing.bucketName,
      'datalake.dms.landing.bucketName',
    );
    output(
      'ScriptsBucketName',
      scripts.bucketName,
      'datalake.pipeline.scripts.bucket',
    );
    for (const layer of LAKE_LAYERS) {
      output(
        `${layer[0].toUpperCase()}${layer.slice(1)}BucketName`,
        layers[layer].bucketName,
        `datalake.pipeline.layers.${layer}.bucket`,
      );
    }
    if (dmsSecrets) {
      output(
        'DmsSecretsAccessRoleArn',
        dmsSecrets.roleArn,
        'datalake.sources[].secretsManagerAccessRoleArn',
      );
    }
    for (const [id, secret] of Object.entries(this.secrets)) {
      output(
        `SourceSecretArn${id.replace(/[^A-Za-z0-9]/g, '')}`,
        secret.secretArn,
        `datalake.sources[id=${id}].secretArn`,
      );
    }
  }
}
