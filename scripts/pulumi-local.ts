/**
 * The real Pulumi toolchain for end-to-end tests and `npm run local`: builds it (scripts/toolchain.sh, cached outside the
 * checkout), gives each run its own PULUMI_HOME and file backend, and registers the Kubernetes provider
 * under the version the npm SDK asks for.
 */
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The repository root. */
export const REPO = path.resolve(__dirname, "..");

/** A Pulumi environment of its own: CLI, plugin home, file backend, empty passphrase, no update checks. */
export interface PulumiEnv {
    /** The CLI. */
    command: PulumiCommand;
    /** Environment of every CLI call. */
    envVars: Record<string, string>;
    /** Scratch directory (home, state, work dirs). */
    dir: string;
}

/**
 * Builds (or finds in the cache) the CLI and provider, and prepares an isolated environment.
 * @param options `state`: a persistent file-backend folder (default: a fresh temporary one); `kubeconfig` to target.
 */
export async function pulumiEnv(options: { state?: string; kubeconfig?: string } = {}): Promise<PulumiEnv> {
    const out = execFileSync("bash", [path.join(REPO, "scripts", "toolchain.sh"), "pulumi", "k8s-provider"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const bin = out.trim().split("\n").pop() as string;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-e2e-"));
    const envVars: Record<string, string> = {
        PULUMI_HOME: path.join(dir, "home"),
        PULUMI_BACKEND_URL: `file://${options.state ?? path.join(dir, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    };
    fs.mkdirSync(options.state ?? path.join(dir, "state"), { recursive: true });
    if (options.kubeconfig !== undefined) envVars.KUBECONFIG = options.kubeconfig;
    // Registered under the exact version @pulumi/kubernetes requests (the engine selects cached plugins by exact version).
    const sdkVersion = JSON.parse(
        fs.readFileSync(path.join(REPO, "node_modules", "@pulumi", "kubernetes", "package.json"), "utf8"),
    ).version;
    execFileSync(
        path.join(bin, "pulumi"),
        ["plugin", "install", "resource", "kubernetes", sdkVersion, "--file", path.join(bin, "pulumi-resource-kubernetes")],
        {
            env: { ...process.env, ...envVars },
            stdio: "ignore",
        },
    );
    const command = await PulumiCommand.get({ root: path.dirname(bin) });
    return { command, envVars, dir };
}

/** A stack of the `stateful-k8s` project with an inline program, its config from `stacks/Pulumi.<name>.yaml`. */
export async function inlineStack(
    env: PulumiEnv,
    name: string,
    program: () => Promise<Record<string, unknown> | void>,
    secrets: Record<string, string> = {},
): Promise<Stack> {
    const work = path.join(env.dir, `work-${name}`);
    fs.mkdirSync(work, { recursive: true });
    const config = path.join(REPO, "stacks", `Pulumi.${name}.yaml`);
    if (fs.existsSync(config)) fs.copyFileSync(config, path.join(work, `Pulumi.${name}.yaml`));
    const ws = await LocalWorkspace.create({
        pulumiCommand: env.command,
        workDir: work,
        envVars: env.envVars,
        projectSettings: { name: "stateful-k8s", runtime: "nodejs" },
        program,
    });
    const stack = await Stack.createOrSelect(name, ws);
    for (const [key, value] of Object.entries(secrets)) await stack.setConfig(key, { value, secret: true });
    return stack;
}
