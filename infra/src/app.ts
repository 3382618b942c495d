/*
 * The CDK app: one stack, built from the configuration files (`-c config=a.yaml,b.yaml` or the
 * DATALAKE_INFRA_CONFIG variable, paths relative to the repository root), with the cdk-nag
 * AwsSolutions checks applied to every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_CONFIG_FILES, InfraConfig, loadInfraConfig } from './config';
import { DatalakeFoundationStack } from './DatalakeFoundationStack';

/** @public */
export type BuildAppOptions = {
  config: InfraConfig;
  /** Output directory of the cloud assembly; default the CDK CLI's, or a temporary one. */
  outdir?: string;
  /** Run the cdk-nag AwsSolutions checks. Default true. */
  nag?: boolean;
};

/**
 * Builds the app and its stack without synthesising it.
 *
 * @public
 */
export function buildApp(options: BuildAppOptions): {
  app: App;
  stack: DatalakeFoundationStack;
} {
  const app = new App({
    outdir: options.outdir,
    context: {
      // Server access logs are delivered under a bucket policy, not the legacy log-delivery ACL
      // (which needs ACLs enabled on the log bucket).
      '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
    },
  });
  const { config } = options;
  const stack = new DatalakeFoundationStack(app, config.stackName, {
    config,
    env: { account: config.account, region: config.region },
  });
  if (options.nag !== false) {
    Validations.of(app).addPlugins(
      new AwsSolutionsChecks(app, { verbose: true }),
    );
  }
  return { app, stack };
}

/** The config files of this run: CDK context `config`, DATALAKE_INFRA_CONFIG, or the defaults. */
export function configFiles(
  app: App,
  env: Record<string, string | undefined> = process.env,
): string[] {
  const value =
    (app.node.tryGetContext('config') as string | undefined) ??
    env.DATALAKE_INFRA_CONFIG;
  return value
    ? value
        .split(',')
        .map(f => f.trim())
        .filter(Boolean)
    : DEFAULT_CONFIG_FILES;
}

/** Entry point of `cdk synth|deploy` (bin/infra). @public */
export async function main(): Promise<void> {
  // Only to read the CLI's context: an App the CLI would otherwise also synthesise on exit.
  const files = configFiles(new App({ autoSynth: false }));
  const config = await loadInfraConfig(files);
  const { app } = buildApp({ config });
  app.synth();
}
