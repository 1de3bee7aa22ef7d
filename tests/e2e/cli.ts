/**
 * The Pulumi CLI as a user runs it, for the end-to-end suite: the toolchain from scripts/toolchain.sh,
 * the environment from `npm run -s env` (the README's way into a shell), and `pulumi` run in a project
 * folder. Each suite works in a copy of the project (the files a clone holds, with this checkout's
 * node_modules linked in), with its own PULUMI_HOME and file backend, so that `pulumi config set` never
 * edits the checkout's stack files and suites cannot see each other's state.
 */
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STATEFUL_SYSTEMS, standInSecret } from "../../components/systems";

/** The repository root. */
export const REPO = path.resolve(__dirname, "..", "..");

/** The files a clone of this repository holds: tracked ones and new ones not ignored (no node_modules). */
function cloneFiles(): string[] {
    return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO, encoding: "utf8" })
        .split("\0")
        .filter((f) => f !== "" && fs.existsSync(path.join(REPO, f)));
}

/**
 * The scratch folders of this process's project copies (about 170 MB each: the copy, its PULUMI_HOME
 * and state). They are removed when the suite's process exits, unless STATEFUL_K8S_KEEP_E2E=1 keeps
 * them to look into.
 */
const scratchFolders: string[] = [];
process.on("exit", () => {
    if (process.env.STATEFUL_K8S_KEEP_E2E === "1") {
        if (scratchFolders.length > 0) console.error(`kept the e2e project copies: ${scratchFolders.join(" ")}`);
        return;
    }
    for (const folder of scratchFolders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A kubeconfig path that does not exist: the provider previews new objects without a cluster. */
export const NO_CLUSTER = path.join(os.tmpdir(), "stateful-k8s-no-cluster", "kubeconfig");

/** The result of one CLI call. */
export interface CliResult {
    /** Exit status (null when killed by a signal). */
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Options of one CLI call. */
export interface CliOptions {
    /** Do not throw on a non-zero exit. */
    allowFailure?: boolean;
    /** Extra environment variables for this call only. */
    env?: Record<string, string>;
}

/** Builds (or finds in the cache) the whole toolchain; returns its bin directory. */
export function toolchainBin(): string {
    const out = execFileSync("bash", [path.join(REPO, "scripts", "toolchain.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    return out.trim().split("\n").pop() as string;
}

/** Starts (idempotently) the local control plane; returns its kubeconfig. */
export function clusterUp(): string {
    const out = execFileSync("bash", [path.join(REPO, "scripts", "cluster.sh"), "up"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    return out.trim().split("\n").pop() as string;
}

/** Stops the local control plane and deletes its state. */
export function clusterDown(): void {
    execFileSync("bash", [path.join(REPO, "scripts", "cluster.sh"), "down"], { stdio: "inherit" });
}

/** The shared folder beside this checkout or one of its parents (as scripts/cluster.sh finds it). */
function sharedFolder(): string {
    for (let dir = REPO; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const candidate = path.join(path.dirname(dir), "shared");
        if (fs.existsSync(path.join(candidate, "crds"))) return candidate;
    }
    return path.resolve(REPO, "..", "shared");
}

/**
 * The environment a user's shell has after `eval "$(npm run -s env)"` (or `-- --own-cluster`) in the
 * project folder `cwd`, with PULUMI_HOME and the backend pointed at `scratch` first, as the script allows.
 */
export function userEnv(scratch: string, cwd: string, options: { ownCluster?: boolean } = {}): Record<string, string> {
    const preset = {
        // A copy of the project lies away from the read-only shared folder (CRDs, vendored sources) that
        // the checkout finds beside itself: say where it is, as a user would for a clone elsewhere.
        STATEFUL_K8S_SHARED: sharedFolder(),
        ...process.env,
        PULUMI_HOME: path.join(scratch, "home"),
        PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`,
    } as Record<string, string>;
    const args = options.ownCluster === true ? " -- --own-cluster" : "";
    const out = execFileSync("bash", ["-c", `eval "$(npm run -s env${args})" && env -0`], {
        cwd,
        env: preset,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const env: Record<string, string> = {};
    for (const entry of out.split("\0")) {
        const eq = entry.indexOf("=");
        if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    // npm's own variables would leak into programs the CLI starts; a user's shell does not have them.
    for (const key of Object.keys(env)) if (key.startsWith("npm_")) delete env[key];
    return env;
}

/** A folder the CLI runs in, with the environment of a user's shell. */
export class Project {
    /** @param dir the project folder; @param env its shell environment (see {@link userEnv}). */
    constructor(
        readonly dir: string,
        readonly env: Record<string, string>,
    ) {}

    /**
     * A fresh copy of this repository's project, with its own scratch PULUMI_HOME and state.
     * @param kubeconfig the cluster to target (default: the local control plane, as `npm run -s env` sets it)
     */
    static copy(kubeconfig?: string): Project {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-e2e-"));
        scratchFolders.push(scratch);
        const dir = path.join(scratch, "stateful-k8s");
        fs.mkdirSync(dir);
        for (const file of cloneFiles()) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
            fs.chmodSync(path.join(dir, file), fs.statSync(path.join(REPO, file)).mode);
        }
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
        const env = userEnv(scratch, dir, { ownCluster: kubeconfig !== undefined });
        if (kubeconfig !== undefined) env.KUBECONFIG = kubeconfig;
        return new Project(dir, env);
    }

    /**
     * Points the project's `main` (Pulumi.yaml) at another program file, relative to the project folder,
     * and its `tsconfig` option, which the language host reads relative to the program's folder, at the
     * repository's tsconfig.json from there.
     */
    useProgram(main: string): void {
        const settings = path.join(this.dir, "Pulumi.yaml");
        const tsconfig = path.relative(path.dirname(main), "tsconfig.json");
        const text = fs
            .readFileSync(settings, "utf8")
            .replace(/^main: .*$/m, `main: ${main}`)
            .replace(/^(\s+tsconfig: ).*$/m, `$1${tsconfig}`);
        fs.writeFileSync(settings, text);
    }

    /** Runs `pulumi <args>` in the folder; throws with the CLI's output on failure unless allowed. */
    pulumi(args: string[], options: CliOptions = {}): CliResult {
        const r = spawnSync("pulumi", args, {
            cwd: this.dir,
            env: { ...this.env, ...(options.env ?? {}) },
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
        if (r.error !== undefined) throw r.error;
        if (result.status !== 0 && options.allowFailure !== true) {
            throw new Error(`pulumi ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    }

    /** Starts `pulumi <args>` in the background (for killing it mid-update, or running two at once). */
    spawn(args: string[]): ReturnType<typeof spawn> {
        // Its own process group, so that a test can kill the CLI with its language host and plugins.
        return spawn("pulumi", args, { cwd: this.dir, env: this.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    }

    /** Runs a shell script in the folder with the project's environment (as a user types commands). */
    shell(script: string, options: CliOptions = {}): CliResult {
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], {
            cwd: this.dir,
            env: { ...this.env, ...(options.env ?? {}) },
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        const result = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
        if (result.status !== 0 && options.allowFailure !== true) {
            throw new Error(`script exited ${result.status}:\n${script}\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    }

    /** The JSON of `pulumi stack export` for a stack (the state file as the engine holds it). */
    state(stack: string): string {
        return this.pulumi(["stack", "export", "--stack", stack, "--show-secrets=false"]).stdout;
    }

    /** The objects of a kind in a namespace, read through the API. */
    objects(kind: string, namespace: string): any[] {
        return JSON.parse(this.kubectl("get", kind, "-n", namespace, "-o", "json")).items;
    }

    /** The names of the objects of a kind in a namespace, sorted. */
    names(kind: string, namespace: string): string[] {
        return this.objects(kind, namespace)
            .map((o) => o.metadata.name as string)
            .sort();
    }

    /** `kubectl` against the project's cluster. */
    kubectl(...args: string[]): string {
        return execFileSync("kubectl", args, { env: this.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    }
}

/** Polls `check` every half second until it holds, failing with `what` after `seconds`. */
export async function waitFor(what: string, check: () => boolean, seconds = 60): Promise<void> {
    for (let i = 0; i < seconds * 2; i++) {
        if (check()) return;
        await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out after ${seconds} s waiting for ${what}`);
}

/**
 * A value for every secret a stack may need (the keys come from the registry; those of nested
 * arguments, such as the backup bucket's credentials, too: a stack uses them when it sets the group),
 * each a stand-in the validation accepts.
 */
export const E2E_SECRETS: Record<string, string> = Object.fromEntries(
    STATEFUL_SYSTEMS.flatMap((system) => Object.entries(system.secrets)).map(([, { configKey }]) => [
        configKey,
        standInSecret(configKey, "e2e"),
    ]),
);

/** `pulumi stack select <stack> --create` and every secret of {@link E2E_SECRETS}, as a user would set them. */
export function initStack(project: Project, stack: string, secrets: Record<string, string> = E2E_SECRETS): void {
    project.pulumi(["stack", "select", stack, "--create"]);
    for (const [key, value] of Object.entries(secrets)) project.pulumi(["config", "set", "--secret", key, value]);
}

/** The program that registers one case of the policy corpus, named by the stack config `corpusCase`. */
export const CORPUS_PROGRAM = "tests/e2e/fixtures/corpus-program/index.ts";

/** The toolchain, a freshly started local control plane, and a project copy with `stack` created and its secrets set. */
export function projectOnLocalCluster(stack = "dev"): Project {
    toolchainBin();
    clusterUp();
    const project = Project.copy();
    initStack(project, stack);
    return project;
}
