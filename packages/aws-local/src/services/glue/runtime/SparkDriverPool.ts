import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { EmulatorResource } from '../../../core/types';
import { packageDir, SparkRuntime } from './sparkHome';

/** One job run for a warm driver: the script on disk, its arguments and session settings. */
export type SparkRunRequest = {
  id: string;
  script: string;
  args: string[];
  conf: Record<string, string>;
  /** Where the run's standard output and error go (Glue: CloudWatch Logs). */
  stdout: string;
  stderr: string;
};

export type SparkRunOutcome = {
  state: 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  error?: string;
};

export type SparkRunCallbacks = {
  /** A driver took the run: it is RUNNING from now. */
  onStarted(): void;
  onFinished(outcome: SparkRunOutcome): void;
};

type Queued = { request: SparkRunRequest; callbacks: SparkRunCallbacks };

/** How long a stop may take before the driver is killed (a script busy outside Spark ignores it). */
const STOP_GRACE_MS = 15_000;

class WarmDriver {
  private process?: ChildProcess;
  private channel?: net.Socket;
  private ready?: Promise<void>;
  private current?: Queued;
  private stopTimer?: NodeJS.Timeout;
  private readonly stderrTail: string[] = [];

  constructor(
    private readonly runtime: SparkRuntime,
    private readonly env: NodeJS.ProcessEnv,
    private readonly sparkConf: Record<string, string>,
    private readonly onIdle: (driver: WarmDriver) => void,
  ) {}

  get busy() {
    return this.current !== undefined;
  }

  get runId() {
    return this.current?.request.id;
  }

  /** Starts the JVM once; later runs reuse it. */
  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-local-driver-'));
    const socketPath = path.join(dir, 'driver.sock');
    const server = net.createServer();
    server.listen(socketPath);
    const script = path.join(packageDir(), 'python', 'warm_driver.py');
    const child = spawn(
      this.runtime.sparkSubmit,
      [
        '--master',
        this.env.AWS_LOCAL_SPARK_MASTER ?? 'local[2]',
        '--jars',
        this.runtime.jars.join(','),
        '--conf',
        'spark.sql.extensions=org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
        '--conf',
        'spark.ui.enabled=false',
        // Everything on loopback: the driver listens nowhere else.
        '--conf',
        'spark.driver.host=127.0.0.1',
        '--conf',
        'spark.driver.bindAddress=127.0.0.1',
        '--conf',
        `spark.driver.memory=${this.env.AWS_LOCAL_SPARK_DRIVER_MEMORY ?? '2g'}`,
        '--conf',
        'spark.sql.shuffle.partitions=4',
        // Iceberg's vectorized (Arrow) Parquet reader crashed this runtime's JVM (Debian OpenJDK
        // 17.0.15, Iceberg 1.7.1) on warm drivers: SIGSEGV in C1 compiling
        // IcebergArrowColumnVector.getUTF8String, and in Iceberg's shaded netty
        // PooledUnsafeDirectByteBuf. Row-based reads give the same rows; Glue is unaffected.
        '--conf',
        'spark.sql.iceberg.vectorization.enabled=false',
        ...Object.entries(this.sparkConf).flatMap(([k, v]) => [
          '--conf',
          `${k}=${v}`,
        ]),
        script,
      ],
      {
        env: {
          ...this.env,
          SPARK_LOCAL_IP: '127.0.0.1',
          PYSPARK_PYTHON: this.runtime.python,
          PYSPARK_DRIVER_PYTHON: this.runtime.python,
          AWS_LOCAL_DRIVER_SOCKET: socketPath,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.process = child;
    const keepTail = (chunk: string) => {
      // The JVM's own log, kept short: it explains a driver that died.
      this.stderrTail.push(...chunk.split('\n').filter(Boolean));
      this.stderrTail.splice(0, Math.max(0, this.stderrTail.length - 40));
    };
    child.stdout!.setEncoding('utf8').on('data', keepTail);
    child.stderr!.setEncoding('utf8').on('data', keepTail);
    this.ready = new Promise<void>((resolve, reject) => {
      server.once('connection', socket => {
        this.channel = socket;
        server.close();
        const lines = readline.createInterface({ input: socket });
        lines.on('line', line => {
          let message: any;
          try {
            message = JSON.parse(line);
          } catch {
            return;
          }
          if (message.type === 'ready') resolve();
          else this.onMessage(message);
        });
      });
      child.once('exit', (code, signal) => {
        const tail = this.stderrTail.slice(-5).join(' | ');
        // A JVM that crashes aborts itself: no status, a signal (SIGABRT after a SIGSEGV).
        const how = signal
          ? `was killed by ${signal}`
          : `exited with status ${code}`;
        const reason = `the Spark driver ${how}${tail ? `: ${tail}` : ''}`;
        reject(new Error(reason));
        server.close();
        this.channel?.destroy();
        this.channel = undefined;
        fs.rmSync(dir, { recursive: true, force: true });
        this.process = undefined;
        this.ready = undefined;
        this.finish({
          state: this.stopping() ? 'STOPPED' : 'FAILED',
          error: reason,
        });
      });
      child.once('error', reject);
    });
    return this.ready;
  }

  private stopping() {
    return this.stopTimer !== undefined;
  }

  private onMessage(message: {
    type: string;
    id: string;
    state?: SparkRunOutcome['state'];
    error?: string | null;
  }) {
    if (message.id !== this.current?.request.id) return;
    if (message.type === 'started') this.current.callbacks.onStarted();
    if (message.type === 'finished') {
      this.finish({
        state: message.state ?? 'FAILED',
        error: message.error ?? undefined,
      });
    }
  }

  private finish(outcome: SparkRunOutcome) {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    clearTimeout(this.stopTimer);
    this.stopTimer = undefined;
    current.callbacks.onFinished(
      outcome.state === 'STOPPED' ? { state: 'STOPPED' } : outcome,
    );
    this.onIdle(this);
  }

  async run(queued: Queued) {
    this.current = queued;
    try {
      await this.start();
    } catch (error) {
      this.finish({ state: 'FAILED', error: String((error as Error).message) });
      return;
    }
    // The pool closed while the driver was starting (a run a schedule or an execution started as
    // the emulator stopped): the channel has ended, and writing to it would throw.
    if (!this.channel || this.channel.writableEnded) {
      this.finish({
        state: 'FAILED',
        error: 'the emulator stopped before the run started',
      });
      return;
    }
    this.channel.write(
      `${JSON.stringify({ type: 'run', ...queued.request })}\n`,
    );
  }

  stop(runId: string) {
    if (this.current?.request.id !== runId || this.stopping()) return;
    this.channel?.write(`${JSON.stringify({ type: 'stop', id: runId })}\n`);
    this.stopTimer = setTimeout(
      () => this.process?.kill('SIGKILL'),
      STOP_GRACE_MS,
    );
  }

  async close() {
    const child = this.process;
    if (!child) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    // The driver ends when its channel closes.
    this.channel?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Warm Spark drivers that run Glue job scripts one after another (`workers` of them at once), so
 * that a pipeline of many jobs pays the JVM start-up once per driver, not once per run. Runs wait in
 * a queue while every driver is busy, as Glue runs wait for capacity in STARTING.
 */
export class SparkDriverPool implements EmulatorResource {
  private readonly drivers: WarmDriver[] = [];
  private readonly queue: Queued[] = [];

  constructor(
    private readonly runtime: SparkRuntime,
    private readonly workers: number,
    private readonly env: NodeJS.ProcessEnv,
    /** Settings of every driver's SparkContext (Hadoop's file systems, say). */
    private readonly sparkConf: Record<string, string> = {},
  ) {}

  submit(request: SparkRunRequest, callbacks: SparkRunCallbacks) {
    this.queue.push({ request, callbacks });
    this.dispatch();
  }

  /** Stops a queued run at once, or asks the driver running it to cancel its Spark jobs. */
  stop(runId: string) {
    const index = this.queue.findIndex(q => q.request.id === runId);
    if (index >= 0) {
      const [queued] = this.queue.splice(index, 1);
      queued.callbacks.onFinished({ state: 'STOPPED' });
      return;
    }
    this.drivers.find(d => d.runId === runId)?.stop(runId);
  }

  private dispatch() {
    while (this.queue.length > 0) {
      let driver = this.drivers.find(d => !d.busy);
      if (!driver && this.drivers.length < this.workers) {
        driver = new WarmDriver(this.runtime, this.env, this.sparkConf, () =>
          this.dispatch(),
        );
        this.drivers.push(driver);
      }
      if (!driver) return;
      driver.run(this.queue.shift()!);
    }
  }

  async close() {
    for (const queued of this.queue.splice(0)) {
      queued.callbacks.onFinished({
        state: 'FAILED',
        error: 'the emulator stopped before the run started',
      });
    }
    await Promise.all(this.drivers.map(d => d.close()));
  }
}
