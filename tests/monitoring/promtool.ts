/**
 * Runs Prometheus's own promtool on rule files. promtool is a test dependency that `.ci/run` installs
 * (scripts/test-deps.sh: Debian's `prometheus` package); when it is missing the tests fail and say so.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";

/** The promtool binary: `$PROMTOOL` or the first `promtool` on PATH. Throws with the install command when absent. */
export function promtool(): string {
    const candidate = process.env.PROMTOOL ?? "promtool";
    const found = spawnSync(candidate, ["--version"], { encoding: "utf8" });
    if (found.error !== undefined || found.status !== 0) {
        throw new Error(
            `promtool not found (${candidate}): the rule tests need Prometheus's promtool. ` +
                "Install it with `bash scripts/test-deps.sh` (Debian's prometheus package) or set PROMTOOL to its path.",
        );
    }
    return candidate;
}

/** Runs `use` in a fresh temporary folder, removed afterwards whatever happens. */
function inScratch<T>(use: (dir: string) => T): T {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sk-promtool-"));
    try {
        return use(dir);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Result of a promtool run: exit code and combined output. */
export interface PromtoolResult {
    code: number;
    output: string;
}

function run(args: string[], cwd: string): PromtoolResult {
    try {
        const out = execFileSync(promtool(), args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return { code: 0, output: out };
    } catch (err) {
        const e = err as { status?: number; stdout?: string; stderr?: string; message: string };
        if (e.status === undefined) throw err;
        return { code: e.status, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
}

/** `promtool check rules` on one rule file (`{ groups: [...] }`). */
export function checkRules(ruleFile: object): PromtoolResult {
    return inScratch((dir) => {
        fs.writeFileSync(path.join(dir, "rules.yaml"), yaml.dump(ruleFile, { lineWidth: -1 }));
        return run(["check", "rules", "rules.yaml"], dir);
    });
}

/** `promtool test rules` of a unit-test file (its `rule_files` name `rules.yaml`, written beside it). */
export function testRules(ruleFile: object, tests: object): PromtoolResult {
    return inScratch((dir) => {
        fs.writeFileSync(path.join(dir, "rules.yaml"), yaml.dump(ruleFile, { lineWidth: -1 }));
        fs.writeFileSync(
            path.join(dir, "tests.yaml"),
            yaml.dump({ rule_files: ["rules.yaml"], evaluation_interval: "1m", ...tests }, { lineWidth: -1 }),
        );
        return run(["test", "rules", "tests.yaml"], dir);
    });
}
